"""The forms of the CRM pages: a record's built-in fields and its kind's custom fields.

The forms only collect text; the API's write serializers check shapes and the services check the
custom fields' definitions (a required custom field is enforced there, not here), so a page
refuses exactly what the API refuses. Custom inputs are named `fields.<code>` so a service's
error for `fields.<code>` lands under its input.
"""

from typing import Any

from django import forms

from crm.models import Entity, FieldDefinition, FieldType, LeadStatus, ListItem, Pipeline
from crm.services.details import phone_region

# Per kind: the built-in fields a person types, with their labels.
BUILT_IN: dict[str, list[tuple[str, str]]] = {
    Entity.LEAD: [
        ("title", "Title"),
        ("name", "First name"),
        ("last_name", "Last name"),
        ("company_title", "Company name"),
        ("email", "E-mail"),
        ("phone", "Phone"),
    ],
    Entity.CONTACT: [
        ("name", "First name"),
        ("last_name", "Last name"),
        ("email", "E-mail"),
        ("phone", "Phone"),
    ],
    Entity.COMPANY: [("title", "Title"), ("email", "E-mail"), ("phone", "Phone")],
    Entity.DEAL: [("title", "Title"), ("amount", "Amount"), ("currency", "Currency")],
}
CUSTOM_PREFIX = "fields."


def list_items(definition: FieldDefinition) -> list[tuple[str, str]]:
    if definition.field_list_id is None:
        return []
    items = ListItem.objects.filter(field_list_id=definition.field_list_id)
    return [(str(item.pk), item.label) for item in items]


def custom_field(definition: FieldDefinition) -> forms.Field:
    """The input of one custom field; never `required` here (the service decides)."""
    label = definition.label + (" (required)" if definition.required else "")
    if definition.type == FieldType.BOOLEAN:
        return forms.BooleanField(label=label, required=False)
    if definition.type == FieldType.LIST:
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), *list_items(definition)]
        )
    widget: forms.Widget = forms.TextInput()
    if definition.type == FieldType.DATE:
        widget = forms.DateInput(attrs={"type": "date"})
    elif definition.type == FieldType.NUMBER:
        widget = forms.TextInput(attrs={"inputmode": "decimal"})
    return forms.CharField(label=label, required=False, widget=widget, strip=True)


def custom_value(definition: FieldDefinition, raw: Any) -> Any:
    """A typed value as the API's JSON would carry it; an empty input clears the field."""
    if definition.type == FieldType.BOOLEAN:
        return bool(raw)
    if raw in (None, ""):
        return None
    if definition.type == FieldType.LIST:
        return int(raw) if str(raw).isdigit() else raw
    return raw


class RecordForm(forms.Form):
    """A record's built-in fields, a few kind-specific choices and its custom fields."""

    def __init__(
        self,
        entity: str,
        definitions: list[FieldDefinition],
        *args: Any,
        choices: dict[str, list[tuple[str, str]]] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.definitions = definitions
        for name, label in BUILT_IN[entity]:
            required = name == ("name" if entity == Entity.CONTACT else "title")
            self.fields[name] = forms.CharField(
                label=label, required=required, max_length=255, strip=True
            )
        if "email" in self.fields:
            self.fields["email"].widget = forms.EmailInput()
        if "phone" in self.fields:
            phone = self.fields["phone"]
            phone.widget = forms.TextInput(attrs={"type": "tel"})
            phone.help_text = f"With its country code (+49 …), or a number in {phone_region()}."
        if "currency" in self.fields:
            self.fields["currency"].help_text = "An ISO 4217 code, e.g. EUR."
        choices = choices or {}
        if entity == Entity.LEAD and editing:
            self.fields["status"] = forms.ChoiceField(
                label="Status",
                choices=[(LeadStatus.NEW, "New"), (LeadStatus.IN_PROGRESS, "In progress")],
            )
        for name, label in (("company", "Company"), ("contact", "Contact")):
            if name in choices:
                self.fields[name] = forms.ChoiceField(
                    label=label, required=False, choices=[("", "None"), *choices[name]]
                )
        if entity == Entity.DEAL:
            if editing:
                self.fields["stage"] = forms.ChoiceField(
                    label="Stage", choices=choices.get("stage", [])
                )
            else:
                self.fields["pipeline"] = forms.ChoiceField(
                    label="Pipeline", required=False, choices=pipeline_choices()
                )
        for definition in definitions:
            self.fields[CUSTOM_PREFIX + definition.code] = custom_field(definition)

    def api_data(self) -> dict[str, Any]:
        """The cleaned form as the API's write serializer takes it."""
        data: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(CUSTOM_PREFIX):
                continue
            if name in ("company", "contact", "pipeline"):
                data[name] = int(value) if value else None
            elif name == "amount":
                data[name] = value or None
            else:
                data[name] = value
        data["fields"] = {
            definition.code: custom_value(
                definition, self.cleaned_data.get(CUSTOM_PREFIX + definition.code)
            )
            for definition in self.definitions
        }
        return data


def initial_of(entity: str, record: Any, definitions: list[FieldDefinition]) -> dict[str, Any]:
    """An edit form's values: the record's fields and custom values."""
    initial: dict[str, Any] = {name: getattr(record, name) for name, _ in BUILT_IN[entity]}
    initial["amount"] = "" if entity != Entity.DEAL or record.amount is None else record.amount
    for name in ("company_id", "contact_id"):
        if hasattr(record, name):
            initial[name.removesuffix("_id")] = getattr(record, name) or ""
    if entity == Entity.LEAD:
        initial["status"] = record.status
    if entity == Entity.DEAL:
        initial["stage"] = record.stage.code
    for definition in definitions:
        value = record.fields.get(definition.code)
        initial[CUSTOM_PREFIX + definition.code] = "" if value is None else value
    return initial


def pipeline_choices() -> list[tuple[str, str]]:
    return [(str(pipeline.pk), pipeline.name) for pipeline in Pipeline.objects.all()]
