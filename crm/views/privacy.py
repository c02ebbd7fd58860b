"""A person's data: its export and its erasure (records managers and administrators)."""

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import error_responses
from crm.services import privacy

NOT_ALLOWED = "Records managers and administrators only."
HELD = "A document linked to the person is under legal hold (`legal_hold`)."


class PersonalDataSerializer(serializers.Serializer[Any]):
    person = serializers.DictField(help_text="The record asked for: `kind` and `id`.")
    records = serializers.ListField(
        child=serializers.DictField(),
        help_text="The person's records (this one and the one its lead's conversion joined it "
        "to, if the caller sees it): every field, custom fields with their labels.",
    )
    deals = serializers.ListField(child=serializers.DictField())
    documents = serializers.ListField(
        child=serializers.DictField(), help_text="Linked documents the caller may view."
    )
    audit_events = serializers.ListField(
        child=serializers.DictField(),
        help_text="Events about the records, referring to them or naming the person.",
    )


class ErasedSerializer(serializers.Serializer[Any]):
    pseudonym = serializers.CharField()
    records = serializers.ListField(child=serializers.CharField())
    audit_events = serializers.IntegerField(help_text="Events whose details were pseudonymised.")
    audit_events_kept_for_holds = serializers.IntegerField(
        help_text="Events naming the person left as they are: about a held document or folder."
    )
    documents_reindexed = serializers.IntegerField()


class PersonalDataView(APIView):
    entity = ""

    @extend_schema(
        responses={200: PersonalDataSerializer, **error_responses(403, e403=NOT_ALLOWED)}
    )
    def get(self, request: Request, pk: int) -> Response:
        data = privacy.personal_data(
            context=context_from(request), entity=self.entity, record_id=pk
        )
        return Response(data)


class EraseView(APIView):
    entity = ""

    @extend_schema(
        request=None,
        responses={200: ErasedSerializer, **error_responses(403, 409, e403=NOT_ALLOWED, e409=HELD)},
    )
    def post(self, request: Request, pk: int) -> Response:
        erased = privacy.erase_person(
            context=context_from(request), entity=self.entity, record_id=pk
        )
        return Response(ErasedSerializer(erased).data)
