"""Document endpoints. Thin: validate, fetch through permissions, call one service."""

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audit.record import context_from
from core.api import DATE_OR_DATE_TIME, Pagination, error_responses
from permissions.access import get_document, versions_visible_to
from permissions.counts import count_documents_for
from permissions.selectors import documents_for
from repository import services
from repository.blobs import read_verified
from repository.filters import DocumentFilters, apply_filters, parse_filters
from repository.models import Document, DocumentStatus, LinkTarget
from repository.serializers import (
    CreatedDocumentSerializer,
    DocumentCreateSerializer,
    DocumentSerializer,
    DocumentUpdateSerializer,
    DuplicateSerializer,
    TextSerializer,
    VersionCreateSerializer,
    VersionSerializer,
)
from repository.views.pictures import PictureActions

FILTER_PARAMETERS = [
    OpenApiParameter("folder", {"type": "integer", "minimum": 0, "maximum": 2**62}),
    OpenApiParameter("document_type", str),
    OpenApiParameter("status", str, enum=DocumentStatus.values),
    OpenApiParameter("tag", str, many=True),
    OpenApiParameter("owner", str),
    OpenApiParameter(
        "linked_to",
        str,
        pattern=rf"^({'|'.join(LinkTarget.values)}):[0-9]+$",
        description="<type>:<id>, e.g. deal:12",
    ),
    OpenApiParameter("created_after", DATE_OR_DATE_TIME),
    OpenApiParameter("created_before", DATE_OR_DATE_TIME),
]
VERSION_PARAMETER = OpenApiParameter("version", int, description="version number; default current")
LOCKED = "The document is locked by another user."
LOCKED_OR_IN_REVIEW = "The document is locked by another user or in an active approval route."
# Approvers reach a document in review through the route, for its version under review only.
NOT_UNDER_REVIEW = "An approver asking for another version than the one under review."
FOLDER_NOT_VISIBLE = "The folder named does not exist or is out of the caller's sight."
UNDER_HOLD_OR_LOCKED = "Under legal hold, in an active approval route, or locked by another user."
STORAGE_DOWN = "The document store is unavailable; nothing was saved."
# The file goes out with its own type (the version's mime_type), whatever it is.
DOWNLOAD = OpenApiResponse(
    OpenApiTypes.BINARY,
    description="The version's bytes, with the version's `mime_type` as Content-Type and its "
    "filename in Content-Disposition.",
)


def folder_count(user: Any, filters: DocumentFilters) -> Callable[[], int] | None:
    """The total from folder counts when at most `folder` filters the list (permissions.counts)."""
    if replace(filters, folder=None) != DocumentFilters():
        return None
    return partial(count_documents_for, user, folder=filters.folder)


def _reloaded(document: Document) -> Document:
    return Document.objects.select_related(
        "owner", "locked_by", "document_type", "current_version__created_by"
    ).get(pk=document.pk)


class DocumentViewSet(PictureActions, viewsets.ViewSet):
    lookup_value_regex = r"[0-9]+"
    pagination_class = Pagination  # the schema's: `list` answers a page; actions say otherwise

    @extend_schema(parameters=FILTER_PARAMETERS, responses=DocumentSerializer(many=True))
    def list(self, request: Request) -> Response:
        filters = parse_filters(request.query_params, request.user)
        documents = (
            apply_filters(documents_for(request.user), filters)
            .select_related("owner", "locked_by", "document_type", "current_version__created_by")
            .prefetch_related("tags")
        )
        paginator = Pagination(total=folder_count(request.user, filters))
        page = paginator.paginate_queryset(documents, request, view=self)
        return paginator.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": DocumentCreateSerializer},
        responses={
            201: CreatedDocumentSerializer,
            **error_responses(
                404,
                409,
                503,
                e404=FOLDER_NOT_VISIBLE,
                e409="An identical document exists and `on_duplicate` is `reject` "
                "(`duplicate_of` names it).",
                e503=STORAGE_DOWN,
            ),
        },
    )
    def create(self, request: Request) -> Response:
        form = DocumentCreateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        data = form.validated_data
        created = services.create_document(
            context=context_from(request),
            upload=data["file"],
            title=data.get("title", ""),
            folder=data.get("folder"),
            document_type=data.get("document_type"),
            tags=data.get("tags"),
            metadata=data.get("metadata"),
            on_duplicate=data["on_duplicate"],
        )
        body = DocumentSerializer(created.document).data
        body["duplicates"] = created.duplicates
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=DocumentSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        document = services.open_document(context=context_from(request), document_id=pk)
        return Response(DocumentSerializer(document).data)

    @extend_schema(
        request=DocumentUpdateSerializer,
        responses={200: DocumentSerializer, **error_responses(409, e409=UNDER_HOLD_OR_LOCKED)},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        document = get_document(request.user, pk)
        form = DocumentUpdateSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        document = services.update_document(
            context=context_from(request), document=document, changes=dict(form.validated_data)
        )
        # Not re-read through the caller's rights: a move may take the document out of their
        # sight, and the answer is still the state they just wrote.
        return Response(DocumentSerializer(_reloaded(document)).data)

    @extend_schema(responses={204: None, **error_responses(409, e409=UNDER_HOLD_OR_LOCKED)})
    def destroy(self, request: Request, pk: str) -> Response:
        document = get_document(request.user, pk)
        services.delete_document(context=context_from(request), document=document)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        methods=["GET"],
        responses=VersionSerializer(many=True),
        operation_id="documents_versions_list",
    )
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": VersionCreateSerializer},
        responses={
            201: VersionSerializer,
            **error_responses(409, 503, e409=LOCKED_OR_IN_REVIEW, e503=STORAGE_DOWN),
        },
        operation_id="documents_versions_create",
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def versions(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            document = get_document(request.user, pk)
            versions = (
                versions_visible_to(request.user, document)
                .select_related("created_by")
                .order_by("number")
            )
            return Response(VersionSerializer(versions, many=True).data)
        document = get_document(request.user, pk)
        form = VersionCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        version = services.add_version(
            context=context_from(request),
            document=document,
            upload=form.validated_data["file"],
            comment=form.validated_data["comment"],
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[VERSION_PARAMETER],
        responses={
            (200, "*/*"): DOWNLOAD,
            **error_responses(403, e403=f"Without the `download` permission. {NOT_UNDER_REVIEW}"),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> StreamingHttpResponse:
        version = services.download_version(
            context=context_from(request),
            document_id=pk,
            version=request.query_params.get("version"),
        )
        response = StreamingHttpResponse(
            read_verified(version.sha256, version.size), content_type=version.mime_type
        )
        response["Content-Length"] = str(version.size)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=version.filename
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["ETag"] = f'"{version.sha256}"'
        return response

    @extend_schema(
        methods=["POST"],
        request=None,
        responses={200: DocumentSerializer, **error_responses(409, e409=LOCKED)},
    )
    @extend_schema(
        methods=["DELETE"],
        request=None,
        # Check-in answers the document, like check-out (clients read the body).
        responses={200: DocumentSerializer, **error_responses(409, e409=LOCKED)},
    )
    @action(detail=True, methods=["post", "delete"])
    def lock(self, request: Request, pk: str) -> Response:
        document = get_document(request.user, pk)
        context = context_from(request)
        if request.method == "POST":
            services.lock_document(context=context, document=document)
        else:
            services.unlock_document(context=context, document=document)
        return Response(DocumentSerializer(get_document(request.user, pk)).data)

    @extend_schema(
        parameters=[VERSION_PARAMETER],
        responses={200: TextSerializer, **error_responses(403, e403=NOT_UNDER_REVIEW)},
    )
    @action(detail=True, methods=["get"])
    def text(self, request: Request, pk: str) -> Response:
        version = services.read_text(
            context=context_from(request),
            document_id=pk,
            version=request.query_params.get("version"),
        )
        return Response(
            {
                "version": version.number,
                "status": version.text_status,
                "error": version.text_error,
                "text": version.text,
            }
        )

    @extend_schema(responses=DuplicateSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def duplicates(self, request: Request, pk: str) -> Response:
        document = get_document(request.user, pk)
        return Response(services.duplicates_of(request.user, document))
