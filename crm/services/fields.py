"""Custom field definitions per kind of record; administrators write them.

A list field's items belong to a `FieldList`; definitions copied by a lead's conversion share
the lead's list, so renaming or adding an item here shows on all of them. Items are renamed by
id and added without one; an item is removed only while no record holds it (under any of the
definitions sharing its list): one in use answers 409 `item_in_use` naming it, so no record is
left holding an id that shows as nothing.
"""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models.fields.json import KeyTransform

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid
from core.text import require_valid_text
from crm.models import MODELS, FieldDefinition, FieldList, FieldType, ListItem
from permissions.access import require_admin


def _write_items(field_list: FieldList, items: list[dict[str, Any]]) -> None:
    existing = {item.pk: item for item in field_list.items.all()}
    position = max((item.position for item in existing.values()), default=-1) + 1
    for given in items:
        item_id = given.get("id")
        if item_id is None:
            ListItem.objects.create(field_list=field_list, label=given["label"], position=position)
            position += 1
            continue
        item = existing.get(item_id)
        if item is None:
            raise Invalid({"items": [f"No item {item_id} in this field's list."]}, code="not_found")
        item.label = given["label"]
        item.save(update_fields=["label"])


def item_in_use(field_list: FieldList, item_id: int) -> bool:
    """Whether a record holds the item under any definition sharing its list."""
    for definition in field_list.definitions.all():
        # A key transform, not `fields__<code>`, since a code may itself hold "__".
        held = MODELS[definition.entity].objects.alias(held=KeyTransform(definition.code, "fields"))
        if held.filter(held=item_id).exists():
            return True
    return False


def _remove_items(field_list: FieldList, item_ids: list[int]) -> None:
    # Locked as a record's write locks an item it names (`crm.services.values`), so a record
    # written at the same time is either seen below or refused for want of the item.
    locked = field_list.items.select_for_update().filter(pk__in=item_ids).order_by("pk")
    items = {item.pk: item for item in locked}
    unknown = sorted(set(item_ids) - set(items))
    if unknown:
        raise Invalid(
            {"remove_items": [f"No item {unknown[0]} in this field's list."]}, code="not_found"
        )
    for item in items.values():
        if item_in_use(field_list, item.pk):
            raise Conflict(
                f"Records hold the item '{item.label}'; change them first.",
                code="item_in_use",
                item=item.pk,
            )
        item.delete()


def create_definition(
    *,
    context: RequestContext,
    entity: str,
    code: str,
    label: str,
    type: str,
    required: bool = False,
    items: list[dict[str, Any]] | None = None,
) -> FieldDefinition:
    require_admin(context.user)
    require_valid_text(label=label, items=items or [])
    if type != FieldType.LIST and items:
        raise Invalid({"items": ["Only a list field has items."]}, code="not_a_list_field")
    try:
        with transaction.atomic():
            field_list = None
            if type == FieldType.LIST:
                field_list = FieldList.objects.create()
                _write_items(field_list, items or [])
            definition = FieldDefinition.objects.create(
                entity=entity,
                code=code,
                label=label,
                type=type,
                required=required,
                field_list=field_list,
            )
            record(
                context,
                "crm_field.create",
                object_type="crm_field",
                object_id=definition.pk,
                details={"entity": entity, "code": code, "type": type, "required": required},
            )
    except IntegrityError as error:
        raise Conflict(f"A {entity} field '{code}' exists.", code="duplicate_code") from error
    return definition


def update_definition(
    *, context: RequestContext, definition: FieldDefinition, changes: dict[str, Any]
) -> FieldDefinition:
    """Change a definition's label, whether it is required, and its list's items (rename, add,
    remove those no record holds)."""
    require_admin(context.user)
    require_valid_text(**changes)
    items = changes.get("items")
    removed = changes.get("remove_items")
    if (items or removed) and definition.field_list is None:
        field = "items" if items else "remove_items"
        raise Invalid({field: ["Only a list field has items."]}, code="not_a_list_field")
    with transaction.atomic():
        definition = FieldDefinition.objects.select_for_update().get(pk=definition.pk)
        for name in ("label", "required"):
            if name in changes:
                setattr(definition, name, changes[name])
        definition.save()
        if removed and definition.field_list is not None:
            _remove_items(definition.field_list, removed)
        if items and definition.field_list is not None:
            _write_items(definition.field_list, items)
        record(
            context,
            "crm_field.update",
            object_type="crm_field",
            object_id=definition.pk,
            details={"changed": sorted(changes)},
        )
    return definition


def delete_definition(*, context: RequestContext, definition: FieldDefinition) -> None:
    """Remove a definition; values records hold under its code stay in their `fields`."""
    require_admin(context.user)
    with transaction.atomic():
        record(context, "crm_field.delete", object_type="crm_field", object_id=definition.pk)
        field_list = definition.field_list
        definition.delete()
        if field_list is not None and not field_list.definitions.exists():
            field_list.delete()
