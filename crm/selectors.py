"""The one rule for CRM records: who sees one, who may change it.

A record is visible to its owner, to the principals it is shared with (`RecordShare`: groups,
roles, users) and to administrators; the same people may edit it. Deleting it and changing whom
it is shared with are its owner's and the administrators'. A record out of sight answers 404
like a missing one, and the object check is the list's filter plus a primary key, so a list and
a single record cannot disagree.
"""

from typing import Any

from django.db.models import Q, QuerySet

from core.errors import Forbidden, Invalid, NotFound
from crm.models import MODELS, CrmRecord, Entity, LeadStatus, RecordShare
from permissions.access import record_refusal
from permissions.principals import is_admin, principals_of
from permissions.selectors import documents_for
from repository.models import DocumentLink

MAX_ID = 2**63 - 1


def records_for(user: Any, entity: str) -> QuerySet[Any]:
    """The records of one kind the user may see."""
    records = MODELS[entity].objects.all()
    if not getattr(user, "is_authenticated", False):
        return records.none()
    if is_admin(user):
        return records
    shared = RecordShare.objects.filter(entity=entity, principal__in=principals_of(user)).values(
        "record_id"
    )
    return records.filter(Q(owner=user) | Q(pk__in=shared))


def record_exists(user: Any, entity: str, record_id: int) -> bool:
    """Whether a record of that kind exists and the user may see it."""
    if entity not in MODELS or not 0 < record_id <= MAX_ID:
        return False
    return bool(records_for(user, entity).filter(pk=record_id).exists())


def may_manage(user: Any, record: CrmRecord) -> bool:
    """Deleting a record and sharing it: its owner and administrators."""
    return bool(record.owner_id == user.pk or is_admin(user))


def _as_id(pk: Any) -> int | None:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def get_record(user: Any, entity: str, pk: Any, *, manage: bool = False) -> Any:
    """The record if the user may see it (else 404, the refusal recorded when it exists) and,
    with `manage`, may delete or share it (else 403)."""
    record_id = _as_id(pk)
    if record_id is None:
        raise NotFound()
    record = records_for(user, entity).select_related("owner").filter(pk=record_id).first()
    if record is None:
        if MODELS[entity].objects.filter(pk=record_id).exists():
            record_refusal(
                user,
                object_type=entity,
                object_id=record_id,
                permission="view",
                reason="not_visible",
            )
        raise NotFound()
    if manage and not may_manage(user, record):
        record_refusal(
            user,
            object_type=entity,
            object_id=record_id,
            permission="manage",
            reason="not_owner",
        )
        raise Forbidden(
            f"Only the {entity}'s owner or an administrator may do this.", code="not_owner"
        )
    return record


def shared_with(entity: str, record_ids: list[int]) -> dict[int, list[str]]:
    """The principals each record is shared with."""
    result: dict[int, list[str]] = {record_id: [] for record_id in record_ids}
    rows = RecordShare.objects.filter(entity=entity, record_id__in=record_ids).order_by("principal")
    for record_id, principal in rows.values_list("record_id", "principal"):
        result.setdefault(record_id, []).append(principal)
    return result


__all__ = [
    "FILTERS",
    "RELATED",
    "SEARCHED",
    "Entity",
    "filtered_records",
    "get_record",
    "linked_documents",
    "may_manage",
    "record_exists",
    "records_for",
    "shared_with",
]


def linked_documents(user: Any, entity: str, record_id: int) -> QuerySet[Any]:
    """The documents linked to a record that the user may view (the ACL decides, whoever sees
    the record)."""
    linked = DocumentLink.objects.filter(target_type=entity, target_id=record_id)
    return documents_for(user).filter(pk__in=linked.values("document_id")).order_by("id")


ID_FILTER = {"type": "integer", "minimum": 1, "maximum": 2**62}

# Per kind: the text fields `q` searches, and the filters its list takes (name -> lookup).
SEARCHED: dict[str, tuple[str, ...]] = {
    Entity.LEAD: ("title", "name", "last_name", "company_title", "email"),
    Entity.CONTACT: ("name", "last_name", "email"),
    Entity.COMPANY: ("title", "email"),
    Entity.DEAL: ("title",),
}
FILTERS: dict[str, dict[str, tuple[str, Any]]] = {
    Entity.LEAD: {"status": ("status", {"type": "string", "enum": LeadStatus.values})},
    Entity.CONTACT: {"company": ("company_id", ID_FILTER)},
    Entity.COMPANY: {},
    Entity.DEAL: {
        "pipeline": ("pipeline_id", ID_FILTER),
        "stage": ("stage__code", {"type": "string"}),
        "contact": ("contact_id", ID_FILTER),
        "company": ("company_id", ID_FILTER),
        "lead": ("lead_id", ID_FILTER),
    },
}
RELATED: dict[str, tuple[str, ...]] = {
    Entity.LEAD: ("owner",),
    Entity.CONTACT: ("owner",),
    Entity.COMPANY: ("owner",),
    Entity.DEAL: ("owner", "stage"),
}


def filtered_records(entity: str, records: QuerySet[Any], params: Any) -> QuerySet[Any]:
    """`records` narrowed by a list's query parameters (`q`, `owner` and the kind's filters);
    a malformed filter answers 400. The API list and the pages run this one function."""
    text = (params.get("q") or "").strip()
    if text:
        condition = Q()
        for name in SEARCHED[entity]:
            condition |= Q(**{f"{name}__icontains": text})
        records = records.filter(condition)
    owner = params.get("owner")
    if owner:
        records = records.filter(owner__username=owner)
    for name, (lookup, schema) in FILTERS[entity].items():
        raw = params.get(name)
        if raw in (None, ""):
            continue
        if schema.get("type") == "integer" and not (raw.isdigit() and 0 < int(raw) <= 2**62):
            raise Invalid({name: [f"'{raw}' is not an id."]})
        if "enum" in schema and raw not in schema["enum"]:
            raise Invalid({name: [f"One of {', '.join(schema['enum'])}."]})
        records = records.filter(**{lookup: raw})
    return records
