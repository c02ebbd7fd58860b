"""A deal's line items: read them, replace them."""

from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.record import context_from
from crm.models import DealItem
from crm.services.items import deal_items, replace_items

MAX_ITEMS = 1000


# Bounded so a line's amount (quantity x price) always fits its column.
@extend_schema_field({"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,3})?$"})
class QuantityField(serializers.DecimalField):
    """A quantity, at most three decimals, as text (or a JSON number)."""


@extend_schema_field({"type": "string", "pattern": r"^-?[0-9]{1,9}(\.[0-9]{1,2})?$"})
class PriceField(serializers.DecimalField):
    """A price or amount, at most two decimals, as text (or a JSON number)."""


@extend_schema_field({"type": "string", "pattern": r"^-?[0-9]{1,18}(\.[0-9]{1,2})?$"})
class AmountField(serializers.DecimalField):
    """A line's amount, as text."""


class DealItemSerializer(serializers.ModelSerializer[DealItem]):
    name = serializers.RegexField(r"\S", max_length=500)
    quantity = QuantityField(max_digits=12, decimal_places=3, min_value=0)
    unit_price = PriceField(max_digits=11, decimal_places=2)
    amount = AmountField(max_digits=20, decimal_places=2, read_only=True)

    class Meta:
        model = DealItem
        fields = ["id", "name", "quantity", "unit_price", "amount"]
        read_only_fields = ["id", "amount"]


class DealItemsSerializer(serializers.Serializer[Any]):
    items = DealItemSerializer(many=True, max_length=MAX_ITEMS)  # type: ignore[call-arg]


class DealItemsView(APIView):
    @extend_schema(responses=DealItemsSerializer)
    def get(self, request: Request, pk: int) -> Response:
        items = deal_items(request.user, pk)
        return Response({"items": DealItemSerializer(items, many=True).data})

    @extend_schema(
        request=DealItemsSerializer,
        responses=DealItemsSerializer,
        description="Replace the deal's line items (in order); each line's amount is its "
        "quantity times its unit price.",
    )
    def put(self, request: Request, pk: int) -> Response:
        deal_items(request.user, pk)  # 404 before the body is read for a deal out of sight
        form = DealItemsSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        items = replace_items(
            context=context_from(request), deal_id=pk, items=form.validated_data["items"]
        )
        return Response({"items": DealItemSerializer(items, many=True).data})
