"""Legal holds for records managers: `/holds/` (list, place) and `/holds/{pk}/` (read, lift).

The rules (records managers only, what a hold covers, lifting once) are the service's
(`repository.services.holds`); these views parse, call it and serialise.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from core.api import Pagination, error_responses
from core.errors import Invalid
from permissions.access import MAX_ID
from permissions.drf import RecordsManagers
from repository.serializers import LegalHoldSerializer
from repository.services import holds


def _active(raw: str | None) -> bool | None:
    if not raw:
        return None
    if raw in ("true", "1"):
        return True
    if raw in ("false", "0"):
        return False
    raise Invalid({"active": ["Expected true or false."]})


def _object_id(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise Invalid({"object_id": ["Expected a number."]})
    return int(raw)


class HoldsView(APIView):
    # Refused before the body or the parameters are read, as the service would (it checks too).
    permission_classes = [*APIView.permission_classes, RecordsManagers]
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(
        parameters=[
            OpenApiParameter("active", bool),
            OpenApiParameter("object_type", str),
            OpenApiParameter("object_id", {"type": "integer", "minimum": 0, "maximum": MAX_ID}),
        ],
        responses={200: LegalHoldSerializer(many=True), **error_responses(403)},
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        found = holds.list_holds(
            actor=request.user,
            is_active=_active(params.get("active")),
            object_type=params.get("object_type") or None,
            object_id=_object_id(params.get("object_id")),
        )
        paginator = Pagination()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response(LegalHoldSerializer(page, many=True).data)

    @extend_schema(request=LegalHoldSerializer, responses={201: LegalHoldSerializer})
    def post(self, request: Request) -> Response:
        form = LegalHoldSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        hold = holds.place_hold(
            context=context_from(request),
            object_type=form.validated_data["object_type"],
            object_id=form.validated_data["object_id"],
            reason=form.validated_data["reason"],
        )
        return Response(LegalHoldSerializer(hold).data, status=status.HTTP_201_CREATED)


class HoldDetailView(APIView):
    permission_classes = [*APIView.permission_classes, RecordsManagers]

    @extend_schema(responses={200: LegalHoldSerializer, **error_responses(403)})
    def get(self, request: Request, pk: int) -> Response:
        return Response(LegalHoldSerializer(holds.get_hold(actor=request.user, hold_id=pk)).data)

    @extend_schema(
        request=None,
        # Lifting answers the lifted hold (who, when), not an empty 204: clients read it.
        responses={
            200: LegalHoldSerializer,
            **error_responses(409, e409="The hold is already lifted."),
        },
    )
    def delete(self, request: Request, pk: int) -> Response:
        """Lift the hold (it stays listed, with who lifted it and when)."""
        hold = holds.get_hold(actor=request.user, hold_id=pk)
        hold = holds.lift_hold(context=context_from(request), hold=hold)
        return Response(LegalHoldSerializer(hold).data)
