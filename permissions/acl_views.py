"""ACL endpoints: read/replace an object's ACL, explain a user's effective permissions."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import error_responses
from permissions import acl
from permissions.access import get_document, get_folder
from permissions.codes import user_principal
from permissions.serializers import AclSerializer, EffectivePermissionsSerializer


def _replace(request: Request, target: Any) -> Response:
    form = AclSerializer(data=request.data)
    form.is_valid(raise_exception=True)
    data = form.validated_data
    result = acl.set_acl(
        context=context_from(request),
        target=target,
        inherit=data["inherit"],
        entries=data["entries"],
        owner_rights=data.get("owner_rights"),
    )
    return Response(result)


class DocumentAclView(APIView):
    @extend_schema(
        responses={200: AclSerializer, **error_responses(403)},
        operation_id="documents_acl_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        document = get_document(request.user, pk)
        return Response(acl.acl_of(actor=request.user, target=document))

    @extend_schema(
        request=AclSerializer, responses=AclSerializer, operation_id="documents_acl_update"
    )
    def put(self, request: Request, pk: int) -> Response:
        return _replace(request, get_document(request.user, pk))


class FolderAclView(APIView):
    @extend_schema(
        responses={200: AclSerializer, **error_responses(403)},
        operation_id="folders_acl_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        folder = get_folder(request.user, pk)
        return Response(acl.acl_of(actor=request.user, target=folder))

    @extend_schema(
        request=AclSerializer, responses=AclSerializer, operation_id="folders_acl_update"
    )
    def put(self, request: Request, pk: int) -> Response:
        return _replace(request, get_folder(request.user, pk))


class DocumentPermissionsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "principal",
                str,
                pattern=r"^user:.+$",
                description="user:<username>; the caller when omitted",
            )
        ],
        responses={
            200: EffectivePermissionsSerializer,
            **error_responses(403, e403="Another user's permissions need manage_acl."),
        },
        operation_id="documents_permissions_retrieve",
    )
    def get(self, request: Request, pk: int) -> Response:
        document = get_document(request.user, pk)
        principal = request.query_params.get("principal") or user_principal(
            request.user.get_username()
        )
        kind, _, username = principal.partition(":")
        if kind != "user" or not username:
            raise exceptions.ValidationError(
                {"principal": ["Effective permissions are those of a user: user:<username>."]}
            )
        return Response(
            acl.effective_permissions(actor=request.user, document=document, username=username)
        )
