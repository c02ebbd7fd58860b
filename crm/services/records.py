"""Creating, changing and deleting leads, contacts, companies and deals.

Anyone may create a record and owns it; those who see a record (`crm.selectors`) may change it;
its owner and administrators delete it and choose whom it is shared with. Records a request
names (a contact's company, a deal's contact) must be ones the caller sees: others answer like
missing ones. Audit details name the fields changed, not their values (they hold personal data).
"""

from typing import Any

from django.db import transaction

from audit.record import RequestContext, record
from core.errors import Forbidden, Invalid
from core.text import require_valid_text
from crm.models import MODELS, CrmRecord, Deal, Entity, LeadStatus, Pipeline, RecordShare, Stage
from crm.models import default_pipeline as _default_pipeline
from crm.selectors import get_record, may_manage, records_for
from crm.services.details import clean_details
from crm.services.linked import reindex_if_renamed
from crm.services.values import clean_values
from permissions.access import record_refusal
from permissions.acl import unknown_principals
from repository.models import DocumentLink
from repository.outbox import documents_changed

# Fields naming another CRM record, per kind.
REFERENCES: dict[str, dict[str, str]] = {
    Entity.CONTACT: {"company": Entity.COMPANY},
    Entity.DEAL: {"contact": Entity.CONTACT, "company": Entity.COMPANY, "lead": Entity.LEAD},
}


def _not_found(field: str, kind: str, record_id: Any) -> Invalid:
    return Invalid({field: [f"No {kind} {record_id} that you can see."]}, code="not_found")


def resolve_references(user: Any, entity: str, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with record ids replaced by the records, each one the user sees (else 400)."""
    resolved = dict(data)
    for field, kind in REFERENCES.get(entity, {}).items():
        record_id = data.get(field)
        if record_id is None:
            continue
        target = records_for(user, kind).filter(pk=record_id).first()
        if target is None:
            raise _not_found(field, kind, record_id)
        resolved[field] = target
    return resolved


def place_deal(data: dict[str, Any], deal: Deal | None = None) -> dict[str, Any]:
    """A deal's `pipeline` (id) and `stage` (code) as rows: the default pipeline when none is
    named, its first stage when no stage is; a stage must belong to the pipeline (400)."""
    placed = dict(data)
    if "pipeline" in data or deal is None:
        pipeline_id = data.get("pipeline")
        if pipeline_id is None:
            pipeline = _default_pipeline()
        else:
            found = Pipeline.objects.filter(pk=pipeline_id).first()
            if found is None:
                raise Invalid({"pipeline": [f"No pipeline {pipeline_id}."]}, code="not_found")
            pipeline = found
    else:
        pipeline = deal.pipeline
    placed["pipeline"] = pipeline
    code = data.get("stage")
    if code is None and deal is not None and deal.pipeline_id == pipeline.pk:
        placed.pop("stage", None)
        return placed
    stages = Stage.objects.filter(pipeline=pipeline)
    stage = stages.filter(code=code).first() if code is not None else stages.first()
    if stage is None:
        raise Invalid(
            {"stage": [f"No stage '{code}' in the pipeline '{pipeline.name}'."]}, code="not_found"
        )
    placed["stage"] = stage
    return placed


def _check_sharing(principals: list[str]) -> None:
    unknown = unknown_principals(set(principals))
    if unknown:
        raise Invalid(
            {"shared_with": [f"Unknown principals: {', '.join(unknown)}."]},
            code="unknown_principal",
        )


def share(entity: str, record_id: int, principals: list[str]) -> None:
    """Replace whom the record is shared with."""
    RecordShare.objects.filter(entity=entity, record_id=record_id).delete()
    RecordShare.objects.bulk_create(
        RecordShare(entity=entity, record_id=record_id, principal=principal)
        for principal in sorted(set(principals))
    )


def _check_status(entity: str, data: dict[str, Any]) -> None:
    allowed = {LeadStatus.NEW, LeadStatus.IN_PROGRESS}
    if entity == Entity.LEAD and "status" in data and data["status"] not in allowed:
        raise Invalid(
            {"status": ["A lead becomes converted or junk through its convert and junk actions."]}
        )


def create_record(
    *,
    context: RequestContext,
    entity: str,
    data: dict[str, Any],
    fields: dict[str, Any] | None = None,
    shared_with: list[str] | None = None,
) -> CrmRecord:
    """A new record owned by the caller."""
    require_valid_text(**data, fields=fields or {})
    _check_status(entity, data)
    if shared_with:
        _check_sharing(shared_with)
    data = clean_details(data)
    with transaction.atomic():
        values = resolve_references(context.user, entity, data)
        if entity == Entity.DEAL:
            values = place_deal(values)
        cleaned = clean_values(entity, fields or {})
        created = MODELS[entity].objects.create(owner=context.user, fields=cleaned, **values)
        if shared_with:
            share(entity, created.pk, shared_with)
        record(
            context,
            f"{entity}.create",
            object_type=entity,
            object_id=created.pk,
            details={"fields": sorted([*data, *cleaned])},
        )
    return created


def update_record(
    *,
    context: RequestContext,
    entity: str,
    record_id: int,
    changes: dict[str, Any],
    fields: dict[str, Any] | None = None,
    shared_with: list[str] | None = None,
) -> CrmRecord:
    """Change a record the caller sees; changing whom it is shared with is for its owner and
    administrators (403)."""
    current = get_record(context.user, entity, record_id)
    if shared_with is not None and not may_manage(context.user, current):
        record_refusal(
            context.user,
            object_type=entity,
            object_id=current.pk,
            permission="share",
            reason="not_owner",
        )
        raise Forbidden(
            f"Only the {entity}'s owner or an administrator may share it.", code="not_owner"
        )
    require_valid_text(**changes, fields=fields or {})
    _check_status(entity, changes)
    if shared_with:
        _check_sharing(shared_with)
    with transaction.atomic():
        target = MODELS[entity].objects.select_for_update().get(pk=current.pk)
        changes = clean_details(changes, current=target)
        values = resolve_references(context.user, entity, changes)
        if entity == Entity.DEAL and ({"pipeline", "stage"} & set(changes)):
            values = place_deal(values, deal=target)  # type: ignore[arg-type]
        target.fields = clean_values(entity, fields or {}, current=target.fields)
        for name, value in values.items():
            setattr(target, name, value)
        target.save()
        reindex_if_renamed(entity, target.pk, values)
        if shared_with is not None:
            share(entity, target.pk, shared_with)
        record(
            context,
            f"{entity}.update",
            object_type=entity,
            object_id=target.pk,
            details={
                "fields": sorted([*changes, *(fields or {})]),
                **({"shared_with": sorted(set(shared_with))} if shared_with is not None else {}),
            },
        )
    return target


def delete_record(*, context: RequestContext, entity: str, record_id: int) -> None:
    """Delete a record (its owner or an administrator); documents' links to it go with it."""
    target = get_record(context.user, entity, record_id, manage=True)
    with transaction.atomic():
        links = DocumentLink.objects.filter(target_type=entity, target_id=target.pk)
        documents = sorted(set(links.values_list("document_id", flat=True)))
        links.delete()
        RecordShare.objects.filter(entity=entity, record_id=target.pk).delete()
        record(context, f"{entity}.delete", object_type=entity, object_id=target.pk)
        target.delete()
        if documents:
            documents_changed(documents)
