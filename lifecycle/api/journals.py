"""`/journals/` (administrators define registration journals) and
`/documents/{id}/register/` (a document's editor gives it the journal's next number)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import Pagination, error_responses
from lifecycle.models import Journal, Registration
from lifecycle.services import journals as services


class JournalSerializer(serializers.ModelSerializer[Journal]):
    """`format` is checked by the service (`lifecycle.services.journals.format_errors`)."""

    code = serializers.CharField(max_length=10, help_text=services.CODE_RULE)
    name = serializers.CharField(max_length=200)
    format = serializers.CharField(
        max_length=100,
        required=False,
        default=services.DEFAULT_FORMAT,
        help_text=services.FORMAT_RULE,
    )

    class Meta:
        model = Journal
        fields = ["id", "code", "name", "format", "created_at"]
        read_only_fields = ["id", "created_at"]


class RegisterSerializer(serializers.Serializer[Any]):
    journal = serializers.CharField(max_length=10, help_text="The journal's code, e.g. `IN`.")


class RegistrationSerializer(serializers.ModelSerializer[Registration]):
    journal = serializers.CharField(source="journal.code", read_only=True)

    class Meta:
        model = Registration
        fields = ["journal", "number", "registered_at"]
        read_only_fields = fields


class JournalsView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=JournalSerializer(many=True))
    def get(self, request: Request) -> Response:
        """Every journal (any user: registering a document means choosing one)."""
        paginator = Pagination()
        page = paginator.paginate_queryset(services.journals(), request, view=self)
        return paginator.get_paginated_response(JournalSerializer(page, many=True).data)

    @extend_schema(
        request=JournalSerializer,
        responses={
            201: JournalSerializer,
            **error_responses(
                403, 409, e403="Administrators only.", e409="A journal with that code exists."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """A new journal; its numbers run gapless per year from 1."""
        form = JournalSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        journal = services.create_journal(
            context=context_from(request),
            code=form.validated_data["code"],
            name=form.validated_data["name"],
            number_format=form.validated_data["format"],
        )
        return Response(JournalSerializer(journal).data, status=status.HTTP_201_CREATED)


class RegisterView(APIView):
    @extend_schema(
        request=RegisterSerializer,
        responses={
            201: RegistrationSerializer,
            **error_responses(
                403,
                409,
                e403="Registering needs `edit` on the document.",
                e409="The document is registered in that journal already.",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        """Give the document the journal's next number, gapless per journal and year (e.g.
        `IN-2026-000123`); it becomes the document's `registration_number` and search finds
        the document by it."""
        form = RegisterSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        registration = services.register(
            context=context_from(request),
            document_id=pk,
            journal_code=form.validated_data["journal"],
        )
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)
