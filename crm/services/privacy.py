"""A person's data in the CRM: everything held about them, and its erasure.

A person is a lead or a contact, together with the record the lead's conversion joined it to
(the contact a lead became, the lead a contact was made from): one person in two records. The
export shows both (the other one only if the caller sees it); the erasure covers both, whoever
sees the other, since an erasure that left a copy would not be one.

Both are for records managers and administrators, on a record they see: one they cannot see
answers 404 like a missing one, then anyone else 403. Both write an audit event naming record ids
and the pseudonym, never the person's data.

Erasure replaces, in one transaction:
- in the records: the names by the person's pseudonym ("Person 1a2b..."), the e-mail and phone
  by nothing, each custom text field by the pseudonym, the person's names in a lead's title and in
  the titles of the deals made for them;
- in the search index: the documents linked to those records are reindexed (the names are gone);
- in the audit trail: each text in `details` that names the person (a whole word, ignoring case:
  their full name, first or last name, e-mail or phone; terms under three characters are too
  common to tell) by its pseudonym (`audit.pseudonymise`, the chain keeps verifying).
It is refused (409 `legal_hold`) while a document linked to those records is under legal hold,
and it leaves alone audit events about a held document or folder: erasure must not destroy
evidence a hold preserves.
"""

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from audit.keyed import keyed_digest
from audit.models import AuditEvent
from audit.pseudonymise import pseudonymise_texts
from audit.record import RequestContext, record
from core.errors import Conflict, NotFound
from crm.models import Contact, Deal, Entity, FieldDefinition, FieldType, Lead, ListItem
from crm.selectors import get_record, linked_documents, records_for
from crm.services.linked import linked_document_ids
from permissions.access import require_records_manager
from repository.models import Document, Folder
from repository.outbox import documents_changed
from repository.services.holds import freeze_holds, is_held

PERSON_KINDS = (Entity.LEAD, Entity.CONTACT)
_MIN_TERM = 3
_PERSONAL_FIELDS = ("name", "last_name", "email", "phone")


def _person(user: Any, entity: str, record_id: Any) -> Lead | Contact:
    if entity not in PERSON_KINDS:
        raise NotFound()
    person = get_record(user, entity, record_id)
    require_records_manager(user)
    return person  # type: ignore[no-any-return]


def _records_of(entity: str, person: Lead | Contact) -> list[tuple[str, Any]]:
    """The person's records: this one and the one conversion joined it to."""
    records: list[tuple[str, Any]] = [(entity, person)]
    if isinstance(person, Lead) and person.converted_contact_id is not None:
        contact = Contact.objects.filter(pk=person.converted_contact_id).first()
        if contact is not None:
            records.append((Entity.CONTACT, contact))
    if isinstance(person, Contact):
        records += [(Entity.LEAD, lead) for lead in Lead.objects.filter(converted_contact=person)]
    return records


def _deals_of(records: list[tuple[str, Any]]) -> QuerySet[Deal]:
    leads = [item.pk for kind, item in records if kind == Entity.LEAD]
    contacts = [item.pk for kind, item in records if kind == Entity.CONTACT]
    return Deal.objects.filter(Q(lead_id__in=leads) | Q(contact_id__in=contacts)).order_by("id")


def _terms(records: list[tuple[str, Any]]) -> list[str]:
    terms: set[str] = set()
    for _, item in records:
        full_name = f"{item.name} {item.last_name}".strip()
        for term in (full_name, item.name, item.last_name, item.email, item.phone):
            if len(term.strip()) >= _MIN_TERM:
                terms.add(term.strip())
    return sorted(terms, key=len, reverse=True)


def _matcher(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = "|".join(re.escape(term) for term in terms)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def _names_in(details: Any, matches: Callable[[str], bool]) -> bool:
    if isinstance(details, dict):
        return any(_names_in(item, matches) for item in details.values())
    if isinstance(details, list):
        return any(_names_in(item, matches) for item in details)
    return isinstance(details, str) and matches(details)


def _events_naming(
    records: list[tuple[str, Any]], pattern: re.Pattern[str] | None, terms: list[str]
) -> list[AuditEvent]:
    """Audit events about the records, referring to them (`"lead:7"`) or naming the person."""
    references = {f"{kind}:{item.pk}" for kind, item in records}
    about = Q()
    for kind, item in records:
        about |= Q(object_type=kind, object_id=str(item.pk))
    mentions = Q()
    for text in [*references, *terms]:
        # SQLite keeps JSON with non-ASCII characters escaped; PostgreSQL as they are.
        mentions |= Q(details__icontains=text) | Q(details__icontains=_json_escaped(text))
    candidates = AuditEvent.objects.filter(about | mentions).order_by("seq")

    objects = {(kind, str(item.pk)) for kind, item in records}

    def refers(text: str) -> bool:
        return text in references or bool(pattern and pattern.search(text))

    return [
        event
        for event in candidates
        if (event.object_type, event.object_id) in objects or _names_in(event.details, refers)
    ]


def _json_escaped(text: str) -> str:
    return text.encode("ascii", "backslashreplace").decode().replace("\\x", "\\u00")


def _custom_fields(entity: str, values: dict[str, Any]) -> dict[str, Any]:
    definitions = {d.code: d for d in FieldDefinition.objects.filter(entity=entity)}
    described: dict[str, Any] = {}
    for code, value in values.items():
        definition = definitions.get(code)
        entry: dict[str, Any] = {"value": value}
        if definition is not None:
            entry.update(label=definition.label, type=definition.type)
            if definition.type == FieldType.LIST:
                item = ListItem.objects.filter(pk=value).first()
                entry["item"] = item.label if item is not None else None
        described[code] = entry
    return described


def _describe(kind: str, item: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind}
    for field in item._meta.concrete_fields:
        value = getattr(item, field.attname)
        if field.name == "owner":
            value = item.owner.get_username()
        elif field.name == "fields":
            value = _custom_fields(kind, value or {})
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and not isinstance(value, bool | int | str | dict | list):
            value = str(value)
        data[field.name] = value
    return data


def _documents(user: Any, records: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    """The linked documents the user may view, each with the records it is linked to."""
    documents: dict[int, dict[str, Any]] = {}
    for kind, item in records:
        for document in linked_documents(user, kind, item.pk):
            entry = documents.setdefault(
                document.pk, {"id": document.pk, "title": document.title, "linked_to": []}
            )
            entry["linked_to"].append(f"{kind}:{item.pk}")
    return [documents[key] for key in sorted(documents)]


def _event_data(event: AuditEvent) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor_username or None,
        "ip": event.ip,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "details": event.details,
    }


def personal_data(*, context: RequestContext, entity: str, record_id: Any) -> dict[str, Any]:
    """Everything held about the person, as the caller may see it; audited."""
    user = context.user
    person = _person(user, entity, record_id)
    records = [
        (kind, item)
        for kind, item in _records_of(entity, person)
        if item is person or records_for(user, kind).filter(pk=item.pk).exists()
    ]
    terms = _terms(records)
    events = _events_naming(records, _matcher(terms), terms)
    deals = records_for(user, Entity.DEAL).filter(pk__in=_deals_of(records).values("pk"))
    data = {
        "person": {"kind": entity, "id": person.pk},
        "records": [_describe(kind, item) for kind, item in records],
        "deals": [{"id": deal.pk, "title": deal.title} for deal in deals.order_by("id")],
        "documents": _documents(user, records),
        "audit_events": [_event_data(event) for event in events],
    }
    record(
        context,
        f"{entity}.personal_data",
        object_type=entity,
        object_id=person.pk,
        details={"records": [f"{kind}:{item.pk}" for kind, item in records]},
    )
    return data


def _about_held_object(event: AuditEvent) -> bool:
    if event.object_type not in ("document", "folder") or not event.object_id.isdigit():
        return False
    model = Document if event.object_type == "document" else Folder
    target = model.objects.filter(pk=int(event.object_id)).first()
    return target is not None and is_held(target)


def _replace(text: str, pattern: re.Pattern[str] | None, pseudonym: str) -> str:
    return pattern.sub(pseudonym, text) if pattern else text


def erase_person(*, context: RequestContext, entity: str, record_id: Any) -> dict[str, Any]:
    """Pseudonymise the person everywhere (see the module's docstring); 409 `legal_hold` while
    a document linked to their records is held."""
    person = _person(context.user, entity, record_id)
    pseudonym = f"Person {keyed_digest(f'crm-person:{entity}:{person.pk}')[:12]}"
    with transaction.atomic():
        records = [
            (kind, type(item).objects.select_for_update().get(pk=item.pk))
            for kind, item in _records_of(entity, person)
        ]
        deals = list(_deals_of(records).select_for_update())
        pairs = [(kind, item.pk) for kind, item in records] + [
            (Entity.DEAL, deal.pk) for deal in deals
        ]
        freeze_holds()  # a hold placed meanwhile waits for this transaction, or is seen here
        documents = linked_document_ids(pairs)
        if any(is_held(document) for document in Document.objects.filter(pk__in=documents)):
            raise Conflict(
                "A document linked to this person is under legal hold: their data cannot be "
                "erased while the hold lasts.",
                "legal_hold",
            )
        terms = [term for term in _terms(records) if term != pseudonym]
        pattern = _matcher(terms)
        events = [
            event
            for event in _events_naming(records, pattern, terms)
            if not event.action.endswith(".erase")
        ]
        kept = [event.pk for event in events if _about_held_object(event)]
        rewritten = pseudonymise_texts(
            AuditEvent.objects.filter(pk__in=[e.pk for e in events if e.pk not in kept]),
            lambda text: bool(pattern and pattern.search(text)),
        )
        for kind, item in records:
            _erase_record(kind, item, pattern, pseudonym)
        for deal in deals:
            deal.title = _replace(deal.title, pattern, pseudonym)
            deal.save(update_fields=["title", "updated_at"])
        names = [f"{kind}:{item.pk}" for kind, item in records]
        record(
            context,
            f"{entity}.erase",
            object_type=entity,
            object_id=person.pk,
            details={
                "pseudonym": pseudonym,
                "records": names,
                "audit_events": len(rewritten),
                "audit_events_kept_for_holds": len(kept),
            },
        )
        documents_changed(documents)
    return {
        "pseudonym": pseudonym,
        "records": names,
        "audit_events": len(rewritten),
        "audit_events_kept_for_holds": len(kept),
        "documents_reindexed": len(documents),
    }


def _erase_record(kind: str, item: Any, pattern: re.Pattern[str] | None, pseudonym: str) -> None:
    string_fields = set(
        FieldDefinition.objects.filter(entity=kind, type=FieldType.STRING).values_list(
            "code", flat=True
        )
    )
    item.name = pseudonym
    for name in _PERSONAL_FIELDS[1:]:
        setattr(item, name, "")
    if kind == Entity.LEAD:
        item.title = _replace(item.title, pattern, pseudonym)
    item.fields = {
        code: pseudonym if code in string_fields and isinstance(value, str) and value else value
        for code, value in (item.fields or {}).items()
    }
    item.save()
