from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from audit.record import context_from
from core.api import Pagination, error_responses
from permissions.access import get_folder
from permissions.selectors import folders_for
from repository.models import DocumentType
from repository.serializers import DocumentTypeSerializer, FolderSerializer
from repository.services import document_types as document_type_services
from repository.services import folders as folder_services

FOLDER_NOT_VISIBLE = "The parent named does not exist or is out of the caller's sight."
DUPLICATE_NAME = "A folder of that name exists there already"


class FolderViewSet(viewsets.ViewSet):
    lookup_value_regex = r"[0-9]+"
    pagination_class = Pagination  # the schema's: `list` answers a page

    @extend_schema(responses=FolderSerializer(many=True))
    def list(self, request: Request) -> Response:
        folders = folders_for(request.user).select_related("owner")
        parent = request.query_params.get("parent")
        if parent == "root":
            folders = folders.filter(parent__isnull=True)
        elif parent and parent.isdigit():
            folders = folders.filter(parent_id=int(parent))
        paginator = Pagination()
        page = paginator.paginate_queryset(folders, request, view=self)
        return paginator.get_paginated_response(FolderSerializer(page, many=True).data)

    @extend_schema(
        request=FolderSerializer,
        responses={
            201: FolderSerializer,
            **error_responses(404, 409, e404=FOLDER_NOT_VISIBLE, e409=f"{DUPLICATE_NAME}."),
        },
    )
    def create(self, request: Request) -> Response:
        form = FolderSerializer(data=request.data, context={"request": request})
        form.is_valid(raise_exception=True)
        folder = folder_services.create_folder(
            context=context_from(request),
            name=form.validated_data["name"],
            parent=form.validated_data.get("parent"),
        )
        return Response(FolderSerializer(folder).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=FolderSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FolderSerializer(get_folder(request.user, pk)).data)

    @extend_schema(
        request=FolderSerializer,
        responses={
            200: FolderSerializer,
            **error_responses(409, e409=f"{DUPLICATE_NAME}, a move inside itself, or a hold."),
        },
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        folder = get_folder(request.user, pk)
        form = FolderSerializer(
            folder, data=request.data, partial=True, context={"request": request}
        )
        form.is_valid(raise_exception=True)
        folder = folder_services.update_folder(
            context=context_from(request), folder=folder, changes=dict(form.validated_data)
        )
        return Response(FolderSerializer(folder).data)

    @extend_schema(
        responses={204: None, **error_responses(409, e409="The folder is not empty, or held.")}
    )
    def destroy(self, request: Request, pk: str) -> Response:
        folder = get_folder(request.user, pk)
        folder_services.delete_folder(context=context_from(request), folder=folder)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentTypeViewSet(viewsets.ViewSet):
    pagination_class = Pagination  # the schema's: `list` answers a page

    @extend_schema(responses=DocumentTypeSerializer(many=True))
    def list(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(DocumentType.objects.all(), request, view=self)
        return paginator.get_paginated_response(DocumentTypeSerializer(page, many=True).data)

    @extend_schema(
        request=DocumentTypeSerializer,
        responses={
            201: DocumentTypeSerializer,
            **error_responses(409, e409="A document type with that slug exists."),
        },
    )
    def create(self, request: Request) -> Response:
        form = DocumentTypeSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        document_type = document_type_services.create_document_type(
            context=context_from(request),
            slug=form.validated_data["slug"],
            name=form.validated_data["name"],
            metadata_schema=form.validated_data.get("metadata_schema"),
        )
        return Response(DocumentTypeSerializer(document_type).data, status=status.HTTP_201_CREATED)
