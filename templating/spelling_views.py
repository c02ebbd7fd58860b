"""`/api/v1/spellcheck/`, `/api/v1/documents/{id}/spellcheck/` and the organisation's dictionary
(`/api/v1/spellcheck/dictionary/`). Thin: the rules are in `templating.proofing`."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import Pagination, error_responses
from templating import proofing
from templating.spelling import LANGUAGES
from templating.spelling_serializers import (
    DictionaryWordInputSerializer,
    DictionaryWordSerializer,
    SpellcheckRequestSerializer,
    SpellcheckResponseSerializer,
    report_body,
)

UNSUPPORTED = f"An unsupported language (`unsupported_language`, with `supported`: {LANGUAGES})."


class SpellcheckView(APIView):
    @extend_schema(
        request=SpellcheckRequestSerializer,
        responses={200: SpellcheckResponseSerializer, **error_responses(400, e400=UNSUPPORTED)},
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data
        if not isinstance(data, dict):
            data = {}
        report = proofing.check_text(
            actor=request.user, text=data.get("text"), language=data.get("language")
        )
        return Response(report_body(report))


class DocumentSpellcheckView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "language",
                str,
                enum=list(LANGUAGES),
                description="Detected per paragraph when omitted.",
            )
        ],
        responses={
            200: SpellcheckResponseSerializer,
            **error_responses(
                400,
                409,
                422,
                e400=UNSUPPORTED,
                e409="The text is still being read from the file (`text_pending`).",
                e422="No language could be detected (`language_unknown`): name one.",
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        report = proofing.check_document(
            context=context_from(request),
            document_id=pk,
            language=request.query_params.get("language"),
        )
        return Response(report_body(report))


def _word_of(request: Request) -> Any:
    data: Any = request.data
    if isinstance(data, dict) and data.get("word") is not None:
        return data.get("word")
    return request.query_params.get("word")


class DictionaryView(APIView):
    @extend_schema(responses=DictionaryWordSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(
            proofing.dictionary_words().select_related("added_by"), request, view=self
        )
        return paginator.get_paginated_response(DictionaryWordSerializer(page, many=True).data)

    @extend_schema(
        request=DictionaryWordInputSerializer,
        responses={201: DictionaryWordSerializer, **error_responses(409)},
    )
    def post(self, request: Request) -> Response:
        entry = proofing.add_word(context=context_from(request), word=_word_of(request))
        return Response(DictionaryWordSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=DictionaryWordInputSerializer,
        parameters=[OpenApiParameter("word", str, description="Or in the body.")],
        responses={204: None},
    )
    def delete(self, request: Request) -> Response:
        proofing.remove_word(context=context_from(request), word=_word_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
