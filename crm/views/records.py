"""Leads, contacts, companies and deals: one view set per kind, built from one pattern.

Lists are what `crm.selectors.records_for` lets the caller see; a record out of sight answers
404 everywhere, as a missing one.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from audit.record import context_from
from core.api import Pagination, error_responses
from crm.models import Entity
from crm.selectors import (
    FILTERS,
    RELATED,
    filtered_records,
    get_record,
    linked_documents,
    records_for,
    shared_with,
)
from crm.serializers import (
    CompanySerializer,
    CompanyWriteSerializer,
    ContactSerializer,
    ContactWriteSerializer,
    DealSerializer,
    DealWriteSerializer,
    LeadSerializer,
    LeadWriteSerializer,
    RecordSerializer,
    RecordWriteSerializer,
    with_documents,
)
from crm.services import records as services

NAMED_NOT_VISIBLE = "A record named does not exist or is out of the caller's sight."
NOT_OWNER = "Only the record's owner or an administrator may delete or share it."


def _parameters(entity: str) -> list[OpenApiParameter]:
    return [
        OpenApiParameter("q", str, description="Words in the record's names or e-mail."),
        OpenApiParameter("owner", str, description="The owner's username."),
        *(OpenApiParameter(name, schema) for name, (_, schema) in FILTERS[entity].items()),
    ]


def record_viewset(
    entity: str,
    read: type[RecordSerializer],
    write: type[RecordWriteSerializer],
) -> type[viewsets.ViewSet]:
    """The CRUD view set of one kind of record."""
    detail = with_documents(read)

    def _context(records: list[Any]) -> dict[str, Any]:
        return {"shared_with": shared_with(entity, [record.pk for record in records])}

    def _detail(request: Request, record: Any) -> dict[str, Any]:
        fresh = get_record(request.user, entity, record.pk)
        context = {
            **_context([fresh]),
            "documents": list(linked_documents(request.user, entity, fresh.pk)),
        }
        return dict(detail(fresh, context=context).data)

    def _split(data: dict[str, Any]) -> tuple[dict[str, Any], Any, Any]:
        values = dict(data)
        return values, values.pop("fields", None), values.pop("shared_with", None)

    class RecordViewSet(viewsets.ViewSet):
        lookup_value_regex = r"[0-9]+"
        pagination_class = Pagination

        @extend_schema(parameters=_parameters(entity), responses=read(many=True))
        def list(self, request: Request) -> Response:
            records = filtered_records(
                entity, records_for(request.user, entity), request.query_params
            )
            records = records.select_related(*RELATED[entity]).order_by("-id")
            paginator = Pagination()
            page = paginator.paginate_queryset(records, request, view=self)
            data = read(page, many=True, context=_context(list(page or []))).data
            return paginator.get_paginated_response(data)

        @extend_schema(
            request=write,
            responses={201: detail, **error_responses()},
        )
        def create(self, request: Request) -> Response:
            form = write(data=request.data)
            form.is_valid(raise_exception=True)
            values, fields, principals = _split(form.validated_data)
            created = services.create_record(
                context=context_from(request),
                entity=entity,
                data=values,
                fields=fields,
                shared_with=principals,
            )
            return Response(_detail(request, created), status=status.HTTP_201_CREATED)

        @extend_schema(responses=detail)
        def retrieve(self, request: Request, pk: str) -> Response:
            return Response(_detail(request, get_record(request.user, entity, pk)))

        @extend_schema(
            request=write,
            responses={200: detail, **error_responses(403, e403=NOT_OWNER)},
        )
        def partial_update(self, request: Request, pk: str) -> Response:
            record = get_record(request.user, entity, pk)
            form = write(data=request.data, partial=True)
            form.is_valid(raise_exception=True)
            values, fields, principals = _split(form.validated_data)
            updated = services.update_record(
                context=context_from(request),
                entity=entity,
                record_id=record.pk,
                changes=values,
                fields=fields,
                shared_with=principals,
            )
            return Response(_detail(request, updated))

        @extend_schema(responses={204: None, **error_responses(403, e403=NOT_OWNER)})
        def destroy(self, request: Request, pk: str) -> Response:
            record = get_record(request.user, entity, pk)
            services.delete_record(
                context=context_from(request), entity=entity, record_id=record.pk
            )
            return Response(status=status.HTTP_204_NO_CONTENT)

    name = f"{entity.capitalize()}ViewSet"
    RecordViewSet.__name__ = RecordViewSet.__qualname__ = name
    return RecordViewSet


LeadViewSet = record_viewset(Entity.LEAD, LeadSerializer, LeadWriteSerializer)
ContactViewSet = record_viewset(Entity.CONTACT, ContactSerializer, ContactWriteSerializer)
CompanyViewSet = record_viewset(Entity.COMPANY, CompanySerializer, CompanyWriteSerializer)
DealViewSet = record_viewset(Entity.DEAL, DealSerializer, DealWriteSerializer)
