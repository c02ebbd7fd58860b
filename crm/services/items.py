"""A deal's line items (name, quantity, unit price, amount): what document templates fill
table rows with. Those who see a deal change its items (the rule of `update_record`); the list
is replaced as a whole, in order, and the change is audited as the deal's update."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from audit.record import RequestContext, record
from core.text import require_valid_text
from crm.models import Deal, DealItem, Entity
from crm.selectors import get_record

CENT = Decimal("0.01")


def deal_items(user: Any, deal_id: Any) -> QuerySet[DealItem]:
    """The items of a deal the user sees (404 otherwise)."""
    deal = get_record(user, Entity.DEAL, deal_id)
    return DealItem.objects.filter(deal=deal)


def line_amount(quantity: Decimal, unit_price: Decimal) -> Decimal:
    return (quantity * unit_price).quantize(CENT, rounding=ROUND_HALF_UP)


def replace_items(
    *, context: RequestContext, deal_id: Any, items: list[dict[str, Any]]
) -> list[DealItem]:
    """The deal's items become `items` (each `name`, `quantity`, `unit_price`), in order."""
    current = get_record(context.user, Entity.DEAL, deal_id)
    require_valid_text(items=[item["name"] for item in items])
    with transaction.atomic():
        deal = Deal.objects.select_for_update().get(pk=current.pk)
        DealItem.objects.filter(deal=deal).delete()
        created = DealItem.objects.bulk_create(
            DealItem(
                deal=deal,
                position=position,
                name=item["name"],
                quantity=item["quantity"],
                unit_price=item["unit_price"],
                amount=line_amount(item["quantity"], item["unit_price"]),
            )
            for position, item in enumerate(items)
        )
        deal.save(update_fields=["updated_at"])
        record(
            context,
            "deal.update",
            object_type=Entity.DEAL,
            object_id=deal.pk,
            details={"fields": ["items"], "items": len(created)},
        )
    return created
