"""`/routes/`: define, read and edit approval routes (every edit a new version)."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import Pagination, error_responses
from lifecycle.api.serializers import RouteSerializer, RouteVersionSerializer, RouteWriteSerializer
from lifecycle.services import routes as services

NOT_OWNER = "Only the route's owner or an administrator edits it."


class RoutesView(APIView):
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(responses=RouteSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(services.routes(), request, view=self)
        return paginator.get_paginated_response(RouteSerializer(page, many=True).data)

    @extend_schema(request=RouteWriteSerializer, responses={201: RouteSerializer})
    def post(self, request: Request) -> Response:
        form = RouteWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        route = services.create_route(
            context=context_from(request),
            name=form.validated_data["name"],
            steps=form.validated_data["steps"],
        )
        route = services.get_route(route.pk)
        return Response(RouteSerializer(route).data, status=status.HTTP_201_CREATED)


class RouteDetailView(APIView):
    @extend_schema(responses=RouteSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(RouteSerializer(services.get_route(pk)).data)

    @extend_schema(
        request=RouteWriteSerializer,
        responses={200: RouteSerializer, **error_responses(403, e403=NOT_OWNER)},
    )
    def put(self, request: Request, pk: int) -> Response:
        """A new version of the route; runs already started finish on the one they pinned."""
        route = services.get_route(pk)
        form = RouteWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        route = services.edit_route(
            context=context_from(request),
            route=route,
            name=form.validated_data["name"],
            steps=form.validated_data["steps"],
        )
        return Response(RouteSerializer(route).data)


class RouteVersionsView(APIView):
    pagination_class = Pagination

    @extend_schema(responses=RouteVersionSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        route = services.get_route(pk)
        versions = route.versions.select_related("created_by").order_by("number")
        paginator = Pagination()
        page = paginator.paginate_queryset(versions, request, view=self)
        return paginator.get_paginated_response(RouteVersionSerializer(page, many=True).data)
