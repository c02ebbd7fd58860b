"""Lead conversion, as offices know it: a qualified lead becomes any non-empty combination of a
contact, a company and a deal, all or nothing.

The lead's row is locked first, so of two conversions at once one converts and the other then
finds the lead converted (409). Every target is checked before anything is written: a target
missing a required field (built-in or custom) answers 422 `missing_fields`, per target, and
nothing is created. The company and contact are made first and the deal links to both; the new
records belong to the lead's owner and are shared as the lead is; the lead's documents are
linked to each of them. `transfer_fields` copies the lead's custom values, making a matching
definition on a target that has none (a list field shares the lead's list).
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid, RuleViolation
from core.text import require_valid_text
from crm.models import (
    Company,
    Contact,
    Deal,
    Entity,
    FieldDefinition,
    Lead,
    LeadStatus,
    Pipeline,
    RecordShare,
)
from crm.models import default_pipeline as _default_pipeline
from crm.selectors import get_record
from crm.services.details import clean_details
from crm.services.values import clean_values, definitions_of, is_empty
from repository.models import DocumentLink
from repository.outbox import documents_changed

TARGETS = (Entity.COMPANY, Entity.CONTACT, Entity.DEAL)  # the order they are made in
BUILT_IN = {
    Entity.COMPANY: ("title", "email", "phone"),
    Entity.CONTACT: ("name", "last_name", "email", "phone"),
    Entity.DEAL: ("title", "amount", "currency"),
}
REQUIRED_BUILT_IN = {Entity.COMPANY: ("title",), Entity.CONTACT: ("name",), Entity.DEAL: ("title",)}


def _from_lead(lead: Lead, target: str) -> dict[str, Any]:
    """What fits of the lead: its person to the contact, `company_title` to the company's title,
    its title to the deal's."""
    if target == Entity.CONTACT:
        return {
            "name": lead.name,
            "last_name": lead.last_name,
            "email": lead.email,
            "phone": lead.phone,
        }
    if target == Entity.COMPANY:
        return {"title": lead.company_title, "email": lead.email, "phone": lead.phone}
    return {"title": lead.title}


def _transferred(lead: Lead, target: str, *, create: bool) -> dict[str, Any]:
    """The lead's custom values that a target can hold, making missing definitions on it when
    `create`; a definition of the same code but another type or list keeps its own value."""
    lead_definitions = definitions_of(Entity.LEAD)
    target_definitions = definitions_of(target)
    values: dict[str, Any] = {}
    for code, value in lead.fields.items():
        source = lead_definitions.get(code)
        if source is None or is_empty(value):
            continue
        existing = target_definitions.get(code)
        if existing is None:
            if create:
                FieldDefinition.objects.create(
                    entity=target,
                    code=code,
                    label=source.label,
                    type=source.type,
                    field_list=source.field_list,
                )
            values[code] = value
        elif existing.type == source.type and existing.field_list_id == source.field_list_id:
            values[code] = value
    return values


def _plan(
    lead: Lead, create: list[str], values: dict[str, dict[str, Any]], transfer_fields: bool
) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """(built-in values, custom values) of each target; 422 naming what each one misses."""
    plan: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
    missing: dict[str, list[str]] = {}
    for target in TARGETS:
        if target not in create:
            continue
        given = values.get(target, {})
        built_in = _from_lead(lead, target)
        custom = _transferred(lead, target, create=False) if transfer_fields else {}
        given_built_in: dict[str, Any] = {}
        for key, value in given.items():
            if key in BUILT_IN[target]:
                given_built_in[key] = _built_in_value(target, key, value)
            else:
                custom[key] = value
        built_in.update(clean_details(given_built_in, prefix=f"values.{target}."))
        absent = [name for name in REQUIRED_BUILT_IN[target] if is_empty(built_in.get(name))]
        definitions = definitions_of(target)
        absent += sorted(
            code
            for code, definition in definitions.items()
            if definition.required and is_empty(custom.get(code))
        )
        if absent:
            missing[target] = absent
        plan[target] = (built_in, custom)
    if missing:
        raise RuleViolation(
            "Required fields are missing: "
            + "; ".join(f"{target}: {', '.join(names)}" for target, names in missing.items()),
            code="missing_fields",
            missing=missing,
        )
    return plan


def _built_in_value(target: str, key: str, value: Any) -> Any:
    """A built-in value given in `values`: text, or for a deal's amount a decimal or number
    (`clean_details` then checks addresses, numbers, amounts and currencies)."""
    if key == "amount":
        return value
    if value is None:
        return ""  # null clears a text field, as the record's own edit does
    if not isinstance(value, str):
        raise Invalid({f"values.{target}.{key}": ["Expected text."]}, code="invalid_fields")
    return value


def _check_given(values: dict[str, dict[str, Any]]) -> None:
    for target, given in values.items():
        if target not in TARGETS or not isinstance(given, dict):
            raise Invalid({"values": [f"Expected an object of values for each of {TARGETS}."]})
    require_valid_text(values=values)


def convert_lead(
    *,
    context: RequestContext,
    lead_id: int,
    create: list[str],
    pipeline_id: int | None = None,
    values: dict[str, dict[str, Any]] | None = None,
    transfer_fields: bool = False,
) -> Lead:
    """Convert a lead the caller sees into the records named in `create`."""
    get_record(context.user, Entity.LEAD, lead_id)
    values = values or {}
    if not create or set(create) - set(TARGETS):
        raise Invalid({"create": ["Name one or more of contact, company, deal."]})
    values = {target: given for target, given in values.items() if target in create}
    _check_given(values)
    pipeline: Pipeline | None = None
    if Entity.DEAL in create:
        pipeline = (
            Pipeline.objects.filter(pk=pipeline_id).first()
            if pipeline_id is not None
            else _default_pipeline()
        )
        if pipeline is None:
            raise Invalid({"pipeline": [f"No pipeline {pipeline_id}."]}, code="not_found")
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead_id)
        if lead.status in (LeadStatus.CONVERTED, LeadStatus.JUNK):
            raise Conflict(f"The lead is {lead.status} already.", code=f"lead_{lead.status}")
        plan = _plan(lead, create, values, transfer_fields)
        made: dict[str, Any] = {}
        for target, (built_in, custom) in plan.items():
            if transfer_fields:
                _transferred(lead, target, create=True)
            fields = clean_values(target, custom)
            if target == Entity.COMPANY:
                made[target] = Company.objects.create(owner=lead.owner, fields=fields, **built_in)
            elif target == Entity.CONTACT:
                made[target] = Contact.objects.create(
                    owner=lead.owner, fields=fields, company=made.get(Entity.COMPANY), **built_in
                )
            else:
                assert pipeline is not None
                made[target] = Deal.objects.create(
                    owner=lead.owner,
                    fields=fields,
                    pipeline=pipeline,
                    stage=pipeline.stages.order_by("position", "id")[0],
                    contact=made.get(Entity.CONTACT),
                    company=made.get(Entity.COMPANY),
                    lead=lead,
                    **built_in,
                )
        _share_and_link(lead, made)
        lead.status = LeadStatus.CONVERTED
        lead.converted_at = timezone.now()
        lead.converted_contact = made.get(Entity.CONTACT)
        lead.converted_company = made.get(Entity.COMPANY)
        lead.converted_deal = made.get(Entity.DEAL)
        lead.save()
        record(
            context,
            "lead.convert",
            object_type=Entity.LEAD,
            object_id=lead.pk,
            details={target: made[target].pk if target in made else None for target in TARGETS},
        )
    return lead


def _share_and_link(lead: Lead, made: dict[str, Any]) -> None:
    """The new records are shared as the lead is, and linked to the lead's documents."""
    principals = list(
        RecordShare.objects.filter(entity=Entity.LEAD, record_id=lead.pk).values_list(
            "principal", flat=True
        )
    )
    lead_links = list(DocumentLink.objects.filter(target_type=Entity.LEAD, target_id=lead.pk))
    for target, created in made.items():
        RecordShare.objects.bulk_create(
            RecordShare(entity=target, record_id=created.pk, principal=principal)
            for principal in principals
        )
        DocumentLink.objects.bulk_create(
            DocumentLink(
                document_id=link.document_id,
                target_type=target,
                target_id=created.pk,
                relation=link.relation,
                created_by_id=link.created_by_id,
            )
            for link in lead_links
        )
    if lead_links and made:
        documents_changed({link.document_id for link in lead_links})


def junk_lead(*, context: RequestContext, lead_id: int) -> Lead:
    """Close a low-quality lead; a converted or junked lead answers 409."""
    get_record(context.user, Entity.LEAD, lead_id)
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead_id)
        if lead.status in (LeadStatus.CONVERTED, LeadStatus.JUNK):
            raise Conflict(f"The lead is {lead.status} already.", code=f"lead_{lead.status}")
        lead.status = LeadStatus.JUNK
        lead.save(update_fields=["status", "updated_at"])
        record(context, "lead.junk", object_type=Entity.LEAD, object_id=lead.pk)
    return lead
