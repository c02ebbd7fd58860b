from typing import Any, cast

from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import context_from, record
from config.api import Pagination, error_responses
from permissions import services
from permissions.access import require_admin
from permissions.serializers import (
    GroupSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserCreateSerializer,
    UserSerializer,
)


class TokenView(APIView):
    """Exchange a username and password for an API token."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]

    def get_authenticate_header(self, request: Request) -> str:
        # Wrong credentials answer 401 (with the scheme to use), not 403.
        return "Token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            **error_responses(401, 429, e401="Wrong username or password."),
        },
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        username = form.validated_data["username"]
        user = authenticate(
            request._request, username=username, password=form.validated_data["password"]
        )
        if user is None:
            record(context_from(request), "login_failed", object_type="user", object_id=username)
            raise exceptions.AuthenticationFailed(
                "Wrong username or password.", code="invalid_credentials"
            )
        with transaction.atomic():
            token, _ = Token.objects.get_or_create(user=user)
            record(context_from(request, user), "login", object_type="user", object_id=username)
        return Response({"token": token.key})


class MeView(APIView):
    @extend_schema(responses=UserSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserSerializer(request.user).data)


class UsersView(APIView):
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(responses={200: UserSerializer(many=True), **error_responses(403)})
    def get(self, request: Request) -> Response:
        require_admin(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(User.objects.order_by("username"), request, view=self)
        return paginator.get_paginated_response(UserSerializer(page, many=True).data)

    @extend_schema(
        request=UserCreateSerializer,
        responses={201: UserSerializer, **error_responses(409, e409="The username is taken.")},
    )
    def post(self, request: Request) -> Response:
        require_admin(request.user)
        form = UserCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        user = services.create_user(context=context_from(request), data=dict(form.validated_data))
        return Response(UserSerializer(user).data, status=status.HTTP_201_CREATED)


class UserDetailView(APIView):
    def _user(self, request: Request, username: str) -> User:
        require_admin(request.user)
        user = User.objects.filter(username=username).first()
        if user is None:
            raise exceptions.NotFound()
        return user

    @extend_schema(responses={200: UserSerializer, **error_responses(403)})
    def get(self, request: Request, username: str) -> Response:
        return Response(UserSerializer(self._user(request, username)).data)

    @extend_schema(
        request=UserSerializer,
        responses={
            200: UserSerializer,
            **error_responses(
                409, e409="An administrator cannot deactivate or demote themselves, nor the last."
            ),
        },
    )
    def patch(self, request: Request, username: str) -> Response:
        user = self._user(request, username)
        form = UserSerializer(
            data={"username": username, **cast(dict[str, Any], request.data)}, partial=True
        )
        form.is_valid(raise_exception=True)
        data = {key: value for key, value in form.validated_data.items() if key != "username"}
        user = services.update_user(context=context_from(request), user=user, data=data)
        return Response(UserSerializer(user).data)


class GroupsView(APIView):
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(responses={200: GroupSerializer(many=True), **error_responses(403)})
    def get(self, request: Request) -> Response:
        require_admin(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(Group.objects.order_by("name"), request, view=self)
        return paginator.get_paginated_response(GroupSerializer(page, many=True).data)

    @extend_schema(
        request=GroupSerializer,
        responses={201: GroupSerializer, **error_responses(409, e409="The name is taken.")},
    )
    def post(self, request: Request) -> Response:
        require_admin(request.user)
        form = GroupSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        group = services.create_group(
            context=context_from(request),
            name=form.validated_data["name"],
            members=form.validated_data["members"],
        )
        return Response(GroupSerializer(group).data, status=status.HTTP_201_CREATED)


class GroupDetailView(APIView):
    def _group(self, request: Request, name: str) -> Group:
        require_admin(request.user)
        group = Group.objects.filter(name=name).first()
        if group is None:
            raise exceptions.NotFound()
        return group

    @extend_schema(responses={200: GroupSerializer, **error_responses(403)})
    def get(self, request: Request, name: str) -> Response:
        return Response(GroupSerializer(self._group(request, name)).data)

    @extend_schema(request=GroupSerializer, responses=GroupSerializer)
    def patch(self, request: Request, name: str) -> Response:
        group = self._group(request, name)
        form = GroupSerializer(data={"name": name, **cast(dict[str, Any], request.data)})
        form.is_valid(raise_exception=True)
        group = services.update_group(
            context=context_from(request), group=group, members=form.validated_data["members"]
        )
        return Response(GroupSerializer(group).data)
