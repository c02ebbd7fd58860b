"""The four kinds of CRM record as the pages name them."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse

from crm.models import Entity
from crm.selectors import records_for


@dataclass(frozen=True)
class Kind:
    entity: str
    one: str  # "lead"
    many: str  # "leads", also the path segment

    @property
    def heading(self) -> str:
        return self.many.capitalize()

    def list_url(self) -> str:
        return reverse(f"crm_{self.many}")

    def url(self, pk: int) -> str:
        return reverse(f"crm_{self.one}", args=[pk])


KINDS: dict[str, Kind] = {
    Entity.LEAD: Kind(Entity.LEAD, "lead", "leads"),
    Entity.CONTACT: Kind(Entity.CONTACT, "contact", "contacts"),
    Entity.COMPANY: Kind(Entity.COMPANY, "company", "companies"),
    Entity.DEAL: Kind(Entity.DEAL, "deal", "deals"),
}

# The choices of another kind offered in a form (the most recent ones the user sees).
CHOICE_LIMIT = 200


def record_choices(user: Any, entity: str, keep: Any = None) -> list[tuple[str, str]]:
    """Records of `entity` the user sees, as (id, name) choices; `keep` (an id) stays listed."""
    records = list(records_for(user, entity).order_by("-id")[:CHOICE_LIMIT])
    if keep and all(record.pk != keep for record in records):
        records += list(records_for(user, entity).filter(pk=keep))
    return [(str(record.pk), str(record)) for record in records]


NAMED_IN_FORMS: dict[str, list[str]] = {
    Entity.CONTACT: ["company"],
    Entity.DEAL: ["contact", "company"],
}


def related_choices(user: Any, entity: str, record: Any = None) -> dict[str, list[tuple[str, str]]]:
    """The other records a form of `entity` may name: a contact's company, a deal's both."""
    names = NAMED_IN_FORMS.get(entity, [])
    return {name: record_choices(user, name, getattr(record, f"{name}_id", None)) for name in names}


def sidebar() -> list[Kind]:
    return list(KINDS.values())
