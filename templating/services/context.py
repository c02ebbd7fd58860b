"""What a template is filled with: the CRM records named, `today`, the user, the request's
`context`, as plain data (the sandbox is fed no model objects, so no method of ours can be
called from a template).

Each record brings its built-in fields and its custom fields by code (`company.tin`), list
items by their labels and dates as dates; a deal brings its line items, its contact and its
company. Named records must be ones the caller sees (404 otherwise, as everywhere); records a
deal brings along that the caller does not see are left out, never shown.
"""

import datetime
import enum
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from core.errors import Invalid
from crm.models import Company, Contact, Deal, DealItem, Entity, FieldType, Lead, ListItem
from crm.selectors import get_record, records_for
from crm.services.values import definitions_of

BUILT_IN: dict[str, tuple[str, ...]] = {
    Entity.LEAD: ("title", "name", "last_name", "company_title", "email", "phone", "status"),
    Entity.CONTACT: ("name", "last_name", "email", "phone"),
    Entity.COMPANY: ("title", "email", "phone"),
    Entity.DEAL: ("title", "amount", "currency"),
}
# Names the system fills; the request's `context` may not take them over.
RESERVED = {"deal", "contact", "company", "lead", "today", "now", "user", "locale"}
KINDS = ("deal", "contact", "company", "lead")


@dataclass
class Filling:
    """The data a template is filled with, and the records it came from (ids by kind)."""

    data: dict[str, Any]
    records: dict[str, int] = field(default_factory=dict)


def _custom(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    definitions = definitions_of(entity)
    labels = dict(
        ListItem.objects.filter(
            pk__in=[
                value
                for code, value in values.items()
                if code in definitions and definitions[code].type == FieldType.LIST
            ]
        ).values_list("pk", "label")
    )
    result: dict[str, Any] = {}
    for code, value in values.items():
        definition = definitions.get(code)
        if definition is None:
            continue
        if definition.type == FieldType.LIST:
            result[code] = labels.get(value, "")
        elif definition.type == FieldType.DATE and isinstance(value, str):
            result[code] = datetime.date.fromisoformat(value)
        elif definition.type == FieldType.NUMBER:
            result[code] = Decimal(str(value))
        else:
            result[code] = value
    return result


def record_data(entity: str, record: Any) -> dict[str, Any]:
    """One record as plain data: id, built-in fields, custom fields by code (also under
    `fields`), its owner's username."""
    custom = _custom(entity, record.fields or {})
    data: dict[str, Any] = {**custom, "fields": custom, "id": record.pk}
    for name in BUILT_IN[entity]:
        data[name] = getattr(record, name)
    data["owner"] = record.owner.get_username()
    data["created_at"] = timezone.localtime(record.created_at).date()
    if entity == Entity.CONTACT:
        data["full_name"] = str(record)
    return data


def _plain(number: Decimal) -> Decimal:
    """2.000 as 2, 2.500 as 2.5."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.normalize()


def _items(deal: Deal) -> list[dict[str, Any]]:
    return [
        {
            "number": number,
            "name": item.name,
            "quantity": _plain(item.quantity),
            "unit_price": item.unit_price,
            "amount": item.amount,
        }
        for number, item in enumerate(DealItem.objects.filter(deal=deal), start=1)
    ]


def deal_data(user: Any, deal: Deal) -> dict[str, Any]:
    data = record_data(Entity.DEAL, deal)
    data["pipeline"] = deal.pipeline.name
    data["stage"] = deal.stage.name
    data["items"] = _items(deal)
    data["items_total"] = sum((item["amount"] for item in data["items"]), Decimal("0.00"))
    for kind, model, record_id in (
        (Entity.CONTACT, Contact, deal.contact_id),
        (Entity.COMPANY, Company, deal.company_id),
        (Entity.LEAD, Lead, deal.lead_id),
    ):
        seen = (
            records_for(user, kind).select_related("owner").filter(pk=record_id).first()
            if record_id
            else None
        )
        data[kind] = record_data(kind, seen) if isinstance(seen, model) else None
    return data


def _check_request_context(extra: dict[str, Any]) -> None:
    taken = sorted(RESERVED & set(extra))
    if taken:
        raise Invalid(
            {"context": [f"Filled by Kontor, name the record instead: {', '.join(taken)}."]},
            code="reserved_name",
        )


def build_filling(
    user: Any, *, records: dict[str, int | None], extra: dict[str, Any] | None = None
) -> Filling:
    """The data for one render: the records named (each one the caller sees, else 404), a
    deal's contact and company when none is named, `today`, `now`, `user` and `extra`."""
    extra = extra or {}
    _check_request_context(extra)
    data: dict[str, Any] = {kind: None for kind in KINDS}
    named: dict[str, int] = {}
    for kind in KINDS:
        record_id = records.get(kind)
        if record_id is None:
            continue
        record = get_record(user, kind, record_id)
        named[kind] = record.pk
        if kind == Entity.DEAL:
            data[kind] = deal_data(user, record)
        else:
            data[kind] = record_data(kind, record)
    deal = data[Entity.DEAL]
    if deal is not None:
        for kind in (Entity.CONTACT, Entity.COMPANY, Entity.LEAD):
            if data[kind] is None:
                data[kind] = deal[kind]
    now = timezone.localtime()
    full_name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    data.update(
        today=now.date(),
        now=now.replace(tzinfo=None),
        user={
            "username": user.get_username(),
            "name": full_name or user.get_username(),
            "email": getattr(user, "email", ""),
        },
    )
    return Filling(plain({**extra, **data}), named)


def plain(value: Any) -> Any:
    """Only builtin types: the data crosses into the rendering process, which loads no model
    (a choices enum would drag Django along)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(plain(key)): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value
