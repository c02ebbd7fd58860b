"""`/api/v1/spellcheck/`, `/api/v1/documents/{id}/spellcheck/` and the organisation's dictionary
(`/api/v1/spellcheck/dictionary/`). Thin: the rules are in `templating.proofing`."""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import error_responses
from templating import proofing
from templating.models import DictionaryWord
from templating.proofing.dictionary import MAX_LENGTH, WORD_PATTERN
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
                e400=f"{UNSUPPORTED} Without `language`, a text in none of them "
                "(`language_unknown`, with `supported`).",
                e409="The text is still being read from the file (`text_pending`).",
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


class DictionaryView(generics.ListCreateAPIView[DictionaryWord]):
    """Everyone signed in reads the organisation's words; administrators add and remove them."""

    serializer_class = DictionaryWordSerializer

    def get_queryset(self) -> QuerySet[DictionaryWord]:
        return proofing.dictionary_words().select_related("added_by")

    @extend_schema(
        request=DictionaryWordInputSerializer,
        responses={201: DictionaryWordSerializer, **error_responses(409)},
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        given = DictionaryWordInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        entry = proofing.add_word(context=context_from(request), word=given.validated_data["word"])
        return Response(DictionaryWordSerializer(entry).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        parameters=[
            OpenApiParameter(
                "word",
                {"type": "string", "pattern": WORD_PATTERN, "maxLength": MAX_LENGTH},
                required=True,
                description="The word, in any case (also read from a JSON body `word`).",
            )
        ],
        responses={204: None, **error_responses(404, e404="The word is not in the dictionary.")},
    )
    def delete(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        proofing.remove_word(context=context_from(request), word=_word_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
