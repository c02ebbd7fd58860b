"""`/approvals/absence/`: the caller's own out of office (`lifecycle.services.absences`).

There is no user in the path or the body: one sets, reads and ends only one's own absence."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import error_responses
from lifecycle.models import Absence
from lifecycle.services import absences

USERNAME_PATTERN = r"^[\w.@+-]{1,150}$"


class AbsenceWriteSerializer(serializers.Serializer[Any]):
    substitute = serializers.RegexField(
        USERNAME_PATTERN,
        max_length=150,
        help_text="The username of the active user who receives your tasks meanwhile.",
    )
    starts = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="From (default: now)."
    )
    ends = serializers.DateTimeField(help_text="Until: after `starts`, in the future.")


class AbsenceSerializer(serializers.Serializer[Any]):
    substitute = serializers.CharField(allow_null=True)
    starts = serializers.DateTimeField(allow_null=True)
    ends = serializers.DateTimeField(allow_null=True)
    active = serializers.BooleanField(help_text="The absence covers the present moment.")


def _body(absence: Absence | None) -> dict[str, Any]:
    if absence is None:
        return {"substitute": None, "starts": None, "ends": None, "active": False}
    return AbsenceSerializer(
        {
            "substitute": absence.substitute.get_username(),
            "starts": absence.starts,
            "ends": absence.ends,
            "active": absences.is_current(absence),
        }
    ).data


class AbsenceView(APIView):
    @extend_schema(responses=AbsenceSerializer)
    def get(self, request: Request) -> Response:
        """Your out of office: who receives your tasks, from when until when (all null when
        none is set)."""
        return Response(_body(absences.absence_of(request.user)))

    @extend_schema(
        request=AbsenceWriteSerializer,
        responses={
            200: AbsenceSerializer,
            **error_responses(
                400,
                e400="An unknown or inactive "
                "substitute, yourself, or a period that ends before it starts or in the past.",
            ),
        },
    )
    def put(self, request: Request) -> Response:
        """Set (or replace) your out of office: tasks that reach you in the period go to the
        substitute, who decides on your behalf."""
        form = AbsenceWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        absence = absences.set_absence(
            context=context_from(request),
            substitute=data["substitute"],
            starts=data["starts"],
            ends=data["ends"],
        )
        return Response(_body(absence))

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        """End your out of office (nothing to do when none is set)."""
        absences.end_absence(context=context_from(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
