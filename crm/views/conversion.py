"""Converting a lead, and closing one as junk."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import error_responses
from crm.models import Entity
from crm.selectors import get_record, shared_with
from crm.serializers import (
    ConvertedSerializer,
    ConvertSerializer,
    LeadSerializer,
)
from crm.services import conversion

CLOSED = "The lead is converted or junk already."


class ConvertLeadView(APIView):
    @extend_schema(
        request=ConvertSerializer,
        responses={
            201: ConvertedSerializer,
            **error_responses(
                409,
                422,
                e409=CLOSED,
                e422="A target misses required fields (`missing`, per target); nothing was "
                "created.",
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        lead = get_record(request.user, Entity.LEAD, pk)
        form = ConvertSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        converted = conversion.convert_lead(
            context=context_from(request),
            lead_id=lead.pk,
            create=data["create"],
            pipeline_id=data.get("pipeline"),
            values=data.get("values") or {},
            transfer_fields=data["transfer_fields"],
        )
        body = {
            "contact": converted.converted_contact_id,
            "company": converted.converted_company_id,
            "deal": converted.converted_deal_id,
        }
        return Response(ConvertedSerializer(body).data, status=status.HTTP_201_CREATED)


class JunkLeadView(APIView):
    @extend_schema(
        request=None, responses={200: LeadSerializer, **error_responses(409, e409=CLOSED)}
    )
    def post(self, request: Request, pk: int) -> Response:
        lead = get_record(request.user, Entity.LEAD, pk)
        closed = conversion.junk_lead(context=context_from(request), lead_id=lead.pk)
        context = {"shared_with": shared_with(Entity.LEAD, [closed.pk])}
        return Response(LeadSerializer(closed, context=context).data)
