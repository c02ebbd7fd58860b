from django.contrib.auth.models import Group, User
from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import Pagination, error_responses
from permissions import services
from permissions.drf import Administrators
from permissions.login import LoginThrottled, sign_in
from permissions.serializers import (
    GroupSerializer,
    GroupUpdateSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserCreateSerializer,
    UserSerializer,
    UserUpdateSerializer,
)


class TokenView(APIView):
    """Exchange a username and password for an API token (`POST`), or revoke one's own
    (`DELETE`)."""

    def _needs_no_credentials(self) -> bool:
        request = getattr(self, "request", None)  # None while the schema is generated
        # A method the view does not answer gets its 405 before any credentials are asked for.
        return request is not None and request.method not in ("DELETE", "OPTIONS")

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Signing in needs no credentials; a stale token header must not refuse it.
        return [] if self._needs_no_credentials() else super().get_authenticators()

    def get_permissions(self) -> list[BasePermission]:
        return [AllowAny()] if self._needs_no_credentials() else [IsAuthenticated()]

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials answer 401 (with the scheme to use), not 403.
        return "Token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            **error_responses(
                401,
                429,
                e401="Wrong username or password.",
                e429="Too many failed sign-ins for this account or from this address: "
                "wait `Retry-After` seconds (the right password is refused meanwhile).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"]
        try:
            user = sign_in(
                request._request, username=username, password=form.validated_data["password"]
            )
        except LoginThrottled as throttled:
            raise exceptions.Throttled(
                wait=throttled.retry_after,
                detail="Too many failed sign-ins.",
                code="login_throttled",
            ) from throttled
        if user is None:
            raise exceptions.AuthenticationFailed(
                "Wrong username or password.", code="invalid_credentials"
            )
        with transaction.atomic():
            token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(
        request=None,
        responses={204: OpenApiResponse(description="The caller's API token no longer works.")},
    )
    def delete(self, request: Request) -> Response:
        services.revoke_token(context=context_from(request), user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class UsersView(APIView):
    permission_classes = [*APIView.permission_classes, Administrators]
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(responses={200: UserSerializer(many=True), **error_responses(403)})
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(User.objects.order_by("username"), request, view=self)
        return paginator.get_paginated_response(UserSerializer(page, many=True).data)

    @extend_schema(
        request=UserCreateSerializer,
        responses={201: UserSerializer, **error_responses(409, e409="The username is taken.")},
    )
    def post(self, request: Request) -> Response:
        form = UserCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.create_user(context=context_from(request), data=dict(form.validated_data))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(APIView):
    permission_classes = [*APIView.permission_classes, Administrators]

    def _user(self, request: Request, username: str) -> User:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise exceptions.NotFound()
        return user

    @extend_schema(responses={200: UserSerializer, **error_responses(403)})
    def get(self, request: Request, username: str) -> Response:
        return Response(UserSerializer(self._user(request, username)).data)

    @extend_schema(
        request=UserUpdateSerializer,
        responses={
            200: UserSerializer,
            **error_responses(
                409, e409="An administrator cannot deactivate or demote themselves, nor the last."
            ),
        },
    )
    def patch(self, request: Request, username: str) -> Response:
        user = self._user(request, username)
        form = UserUpdateSerializer(
            data=request.data, partial=True, context={"username": user.username}
        )
        form.is_valid(raise_exception=True)
        user = services.update_user(
            context=context_from(request), user=user, data=dict(form.validated_data)
        )
        return Response(UserSerializer(user).data)


class GroupsView(APIView):
    permission_classes = [*APIView.permission_classes, Administrators]
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(responses={200: GroupSerializer(many=True), **error_responses(403)})
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(Group.objects.order_by("name"), request, view=self)
        return paginator.get_paginated_response(GroupSerializer(page, many=True).data)

    @extend_schema(
        request=GroupSerializer,
        responses={201: GroupSerializer, **error_responses(409, e409="The name is taken.")},
    )
    def post(self, request: Request) -> Response:
        form = GroupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        group = services.create_group(
            context=context_from(request),
            name=form.validated_data["name"],
            members=form.validated_data["members"],
        )
        return Response(GroupSerializer(group).data, status=status.HTTP_201_CREATED)


class GroupDetailView(APIView):
    permission_classes = [*APIView.permission_classes, Administrators]

    def _group(self, request: Request, name: str) -> Group:
        group = Group.objects.filter(name=name).first()
        if group is None:
            raise exceptions.NotFound()
        return group

    @extend_schema(responses={200: GroupSerializer, **error_responses(403)})
    def get(self, request: Request, name: str) -> Response:
        return Response(GroupSerializer(self._group(request, name)).data)

    @extend_schema(request=GroupUpdateSerializer, responses=GroupSerializer)
    def patch(self, request: Request, name: str) -> Response:
        group = self._group(request, name)
        form = GroupUpdateSerializer(data=request.data, partial=True, context={"name": group.name})
        form.is_valid(raise_exception=True)
        group = services.update_group(
            context=context_from(request),
            group=group,
            members=form.validated_data.get("members"),
        )
        return Response(GroupSerializer(group).data)
