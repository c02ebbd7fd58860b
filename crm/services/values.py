"""Custom field values: each checked against its definition, required ones enforced.

Values are stored as JSON: text, a number, an ISO date, a boolean, or for a list field the id
of an item of the definition's list (so a renamed item shows wherever the list is shared).
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from core.errors import Invalid
from crm.models import FieldDefinition, FieldType, ListItem

# Beyond this a JSON number loses digits in browsers and other clients (doubles hold 2^53).
LARGEST_NUMBER = Decimal(10) ** 15


def definitions_of(entity: str) -> dict[str, FieldDefinition]:
    return {
        definition.code: definition for definition in FieldDefinition.objects.filter(entity=entity)
    }


def _clean(definition: FieldDefinition, value: Any) -> Any:
    """The stored form of one value, or ValueError saying why it does not fit."""
    kind = definition.type
    if kind == FieldType.STRING:
        if not isinstance(value, str):
            raise ValueError("Expected text.")
        return value
    if kind == FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise ValueError("Expected a number.")
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            raise ValueError("Expected a number.") from None
        if not number.is_finite() or abs(number) >= LARGEST_NUMBER:
            raise ValueError("Expected a number below a million billion (10^15).")
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldType.DATE:
        try:
            return date.fromisoformat(value).isoformat()
        except (TypeError, ValueError):
            raise ValueError("Expected a date (YYYY-MM-DD).") from None
    if kind == FieldType.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError("Expected true or false.")
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("Expected the id of one of the list's items.")
    # The item's row is locked until the record is written, so removing the item at once
    # either waits and then finds the record holding it, or goes first and this finds none.
    items = ListItem.objects.select_for_update().filter(field_list_id=definition.field_list_id)
    if not items.filter(pk=value).exists():
        raise ValueError(f"No item {value} in this field's list.")
    return value


def is_empty(value: Any) -> bool:
    return value is None or value == ""


def clean_values(
    entity: str, given: dict[str, Any], *, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The record's `fields` after applying `given` to `current`: unknown codes, values of the
    wrong type and required fields left empty answer 400 naming the field. Called inside the
    transaction that writes the record (a list value locks its item)."""
    definitions = definitions_of(entity)
    errors: dict[str, list[str]] = {}
    result = dict(current or {})
    for code, value in given.items():
        definition = definitions.get(code)
        if definition is None:
            errors[f"fields.{code}"] = [f"No custom field '{code}' on {entity}s."]
            continue
        if is_empty(value):
            result.pop(code, None)
            continue
        try:
            result[code] = _clean(definition, value)
        except ValueError as error:
            errors[f"fields.{code}"] = [str(error)]
    for code in missing_required(entity, result, definitions):
        errors.setdefault(f"fields.{code}", ["This field is required."])
    if errors:
        raise Invalid(errors, code="invalid_fields")
    return result


def missing_required(
    entity: str, values: dict[str, Any], definitions: dict[str, FieldDefinition] | None = None
) -> list[str]:
    """Codes of required custom fields without a value."""
    definitions = definitions if definitions is not None else definitions_of(entity)
    return sorted(
        code
        for code, definition in definitions.items()
        if definition.required and is_empty(values.get(code))
    )
