"""Pipelines and custom field definitions: everyone reads them, administrators write them."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from audit.record import context_from
from core.api import Pagination, error_responses
from core.errors import Invalid, NotFound
from crm.models import Entity, FieldDefinition, Pipeline, default_pipeline
from crm.serializers import (
    FieldDefinitionSerializer,
    FieldDefinitionUpdateSerializer,
    FieldDefinitionWriteSerializer,
    PipelineSerializer,
)
from crm.services import fields as field_services
from crm.services import pipelines as pipeline_services

ADMINS = "Administrators only."


def get_object_or_404(model: Any, pk: Any) -> Any:
    """The row of that id, or 404 (also for an id no database column holds)."""
    found = model.objects.filter(pk=int(pk)).first() if 0 < int(pk) <= 2**63 - 1 else None
    if found is None:
        raise NotFound()
    return found


def _page(view: Any, request: Request, queryset: Any, serializer: Any) -> Response:
    paginator = Pagination()
    page: Any = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer(page, many=True).data)


class PipelineViewSet(viewsets.ViewSet):
    lookup_value_regex = r"[0-9]+"
    pagination_class = Pagination

    @extend_schema(responses=PipelineSerializer(many=True))
    def list(self, request: Request) -> Response:
        default_pipeline()  # made by a migration; made again where a flush emptied the table
        pipelines = Pipeline.objects.prefetch_related("stages")
        return _page(self, request, pipelines, PipelineSerializer)

    @extend_schema(
        request=PipelineSerializer,
        responses={
            201: PipelineSerializer,
            **error_responses(403, 409, e403=ADMINS, e409="A pipeline of that name exists."),
        },
    )
    def create(self, request: Request) -> Response:
        form = PipelineSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        pipeline = pipeline_services.create_pipeline(
            context=context_from(request),
            name=form.validated_data["name"],
            stages=[dict(stage) for stage in form.validated_data["stages"]],
        )
        return Response(PipelineSerializer(pipeline).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=PipelineSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(PipelineSerializer(get_object_or_404(Pipeline, pk=pk)).data)

    @extend_schema(
        request=PipelineSerializer,
        responses={
            200: PipelineSerializer,
            **error_responses(
                403, 409, e403=ADMINS, e409="The name is taken, or deals stand in a removed stage."
            ),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        pipeline = get_object_or_404(Pipeline, pk=pk)
        form = PipelineSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        if "stages" in changes:
            changes["stages"] = [dict(stage) for stage in changes["stages"]]
        pipeline = pipeline_services.update_pipeline(
            context=context_from(request), pipeline=pipeline, changes=changes
        )
        return Response(PipelineSerializer(pipeline).data)

    @extend_schema(
        responses={
            204: None,
            **error_responses(
                403, 409, e403=ADMINS, e409="The default pipeline, or one holding deals."
            ),
        }
    )
    def destroy(self, request: Request, pk: str) -> Response:
        pipeline = get_object_or_404(Pipeline, pk=pk)
        pipeline_services.delete_pipeline(context=context_from(request), pipeline=pipeline)
        return Response(status=status.HTTP_204_NO_CONTENT)


class FieldDefinitionViewSet(viewsets.ViewSet):
    lookup_value_regex = r"[0-9]+"
    pagination_class = Pagination

    @extend_schema(
        parameters=[OpenApiParameter("entity", str, enum=Entity.values)],
        responses=FieldDefinitionSerializer(many=True),
    )
    def list(self, request: Request) -> Response:
        definitions = FieldDefinition.objects.select_related("field_list").prefetch_related(
            "field_list__items"
        )
        entity = request.query_params.get("entity")
        if entity:
            if entity not in Entity.values:
                raise Invalid({"entity": [f"One of {', '.join(Entity.values)}."]})
            definitions = definitions.filter(entity=entity)
        return _page(self, request, definitions, FieldDefinitionSerializer)

    @extend_schema(
        request=FieldDefinitionWriteSerializer,
        responses={
            201: FieldDefinitionSerializer,
            **error_responses(403, 409, e403=ADMINS, e409="The code is taken for that kind."),
        },
    )
    def create(self, request: Request) -> Response:
        form = FieldDefinitionWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        definition = field_services.create_definition(
            context=context_from(request), **form.validated_data
        )
        return Response(FieldDefinitionSerializer(definition).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=FieldDefinitionSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FieldDefinitionSerializer(get_object_or_404(FieldDefinition, pk=pk)).data)

    @extend_schema(
        request=FieldDefinitionUpdateSerializer,
        responses={
            200: FieldDefinitionSerializer,
            **error_responses(403, 409, e403=ADMINS, e409="Records hold an item to remove."),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        definition = get_object_or_404(FieldDefinition, pk=pk)
        form = FieldDefinitionUpdateSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        definition = field_services.update_definition(
            context=context_from(request), definition=definition, changes=dict(form.validated_data)
        )
        return Response(FieldDefinitionSerializer(definition).data)

    @extend_schema(responses={204: None, **error_responses(403, e403=ADMINS)})
    def destroy(self, request: Request, pk: str) -> Response:
        definition = get_object_or_404(FieldDefinition, pk=pk)
        field_services.delete_definition(context=context_from(request), definition=definition)
        return Response(status=status.HTTP_204_NO_CONTENT)
