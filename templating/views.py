"""Template endpoints. Thin: validate, call one use case, serialise."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audit.record import context_from
from core.api import Pagination, error_responses
from repository.serializers import DocumentSerializer
from templating.models import RenderFormat
from templating.serializers import (
    RenderedDocumentSerializer,
    RenderSerializer,
    TemplateDetailSerializer,
    TemplateSerializer,
    TemplateUploadSerializer,
    TemplateVersionSerializer,
    TemplateVersionUploadSerializer,
)
from templating.services import rendering
from templating.services.rendering import MIME_TYPES
from templating.services.spelling_report import spelling_of
from templating.services.templates import (
    add_template_version,
    get_template,
    templates_for,
    upload_template,
)
from templating.spelling_serializers import report_body

BROKEN = (
    "The template's Jinja is broken (`template_syntax`, naming the `tag` and the `paragraph`) "
    "or reaches for what templates may not (`template_unsafe`)."
)
RENDER_FAILED = (
    "The template failed while filling (`template_render`), reached for what it may not "
    "(`template_unsafe`) or went past its time or size limit (`template_limit`)."
)
FILLED = OpenApiResponse(
    OpenApiTypes.BINARY, description="Without `save`: the filled .docx or its PDF print form."
)


def _detail(template_id: int, request: Request) -> dict[str, object]:
    template = get_template(request.user, template_id)
    template = (
        type(template)
        .objects.select_related("current_version", "created_by")
        .prefetch_related("versions__created_by")
        .get(pk=template.pk)
    )
    return dict(TemplateDetailSerializer(template).data)


class TemplateViewSet(viewsets.ViewSet):
    lookup_value_regex = r"[0-9]+"
    pagination_class = Pagination

    @extend_schema(responses=TemplateSerializer(many=True))
    def list(self, request: Request) -> Response:
        templates = templates_for(request.user).order_by("name", "id")
        paginator = Pagination()
        page = paginator.paginate_queryset(templates, request, view=self)
        return paginator.get_paginated_response(TemplateSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": TemplateUploadSerializer},
        responses={201: TemplateDetailSerializer, **error_responses(422, e422=BROKEN)},
        description="Administrators upload templates.",
    )
    def create(self, request: Request) -> Response:
        form = TemplateUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        template = upload_template(
            context=context_from(request),
            upload=form.validated_data["file"],
            name=form.validated_data["name"],
        )
        return Response(_detail(template.pk, request), status=status.HTTP_201_CREATED)

    @extend_schema(responses=TemplateDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(_detail(get_template(request.user, pk).pk, request))

    @extend_schema(
        request={"multipart/form-data": TemplateVersionUploadSerializer},
        responses={201: TemplateVersionSerializer, **error_responses(422, e422=BROKEN)},
        description="Administrators upload a new version; renders from then on use it.",
    )
    @action(detail=True, methods=["post"], url_path="versions")
    def versions(self, request: Request, pk: str) -> Response:
        template = get_template(request.user, pk)
        form = TemplateVersionUploadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        version = add_template_version(
            context=context_from(request), template=template, upload=form.validated_data["file"]
        )
        return Response(TemplateVersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=RenderSerializer,
        responses={
            (200, MIME_TYPES[RenderFormat.DOCX]): FILLED,
            (200, MIME_TYPES[RenderFormat.PDF]): FILLED,
            201: RenderedDocumentSerializer,
            **error_responses(
                409,
                422,
                503,
                e409="The folder's document store refused the new document.",
                e422=RENDER_FAILED,
                e503="The PDF printer (LibreOffice) is not installed or busy, or the document "
                "store is unavailable.",
            ),
        },
    )
    @action(detail=True, methods=["post"], url_path="render")
    def render(self, request: Request, pk: str) -> Response | HttpResponse:
        template = get_template(request.user, pk)
        form = RenderSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        rendered = rendering.render_template(
            context=context_from(request),
            template=template,
            records={kind: data.get(kind) for kind in ("deal", "contact", "company", "lead")},
            extra=data["context"],
            output=data["format"],
            save=data["save"],
            folder=data.get("folder"),
            title=data["title"],
        )
        spelling = spelling_of(request.user, rendered.docx)
        if rendered.document is not None:
            body = {
                **DocumentSerializer(rendered.document).data,
                "spelling": report_body(spelling),
            }
            return Response(body, status=status.HTTP_201_CREATED)
        response = HttpResponse(rendered.content, content_type=rendered.mime_type)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=rendered.filename
        )
        response["X-Template-Version"] = str(rendered.version.number)
        # the file is the body; the spell report's size rides along (save it for the words)
        response["X-Spelling-Errors"] = str(len(spelling.errors))
        return response
