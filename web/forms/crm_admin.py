"""The administration forms of the CRM: a pipeline with its ordered stages, and a custom field
with its list items. Each hands the API's own request body to the API's serializer, so a page
accepts what `POST /crm/pipelines/` and `POST`/`PATCH /crm/fields/` accept.

Stage and item inputs are labelled by their number ("Stage 2 name", "Item 2: remove"), so no
label on a page is part of another (browser tests and people find inputs by those names).
"""

from typing import Any

from django import forms
from django.utils.text import slugify

from crm.models import Entity, FieldDefinition, FieldType, ListItem, Pipeline
from crm.serializers import (
    FieldDefinitionUpdateSerializer,
    FieldDefinitionWriteSerializer,
    PipelineSerializer,
)
from web.forms._api_rules import checked_by

NEW_STAGE_ROWS = 3
SLUG_HELP = "Letters, digits, hyphens and underscores; it never changes once saved."


class PipelineForm(forms.Form):
    """A pipeline's name and its stages: the saved ones (code fixed, renamed, moved or removed)
    and a few empty rows for new ones (code made from the name when left empty)."""

    name = forms.CharField(label="Pipeline name", max_length=255, strip=True)

    def __init__(self, *args: Any, pipeline: Pipeline | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.saved = list(pipeline.stages.all()) if pipeline is not None else []
        if pipeline is not None:
            self.initial.setdefault("name", pipeline.name)
        self.rows = len(self.saved) + NEW_STAGE_ROWS
        for index in range(self.rows):
            number = index + 1
            stage = self.saved[index] if index < len(self.saved) else None
            self.fields[f"stage-{index}-name"] = forms.CharField(
                label=f"Stage {number} name", max_length=255, required=False, strip=True
            )
            self.fields[f"stage-{index}-code"] = forms.SlugField(
                label=f"Stage {number} code",
                max_length=64,
                required=False,
                disabled=stage is not None,
                help_text="" if stage is not None else SLUG_HELP,
            )
            self.fields[f"stage-{index}-position"] = forms.IntegerField(
                label=f"Stage {number} position", min_value=1, max_value=10_000, required=False
            )
            if stage is not None:
                self.fields[f"stage-{index}-remove"] = forms.BooleanField(
                    label=f"Stage {number}: remove", required=False
                )
                self.initial.setdefault(f"stage-{index}-name", stage.name)
                self.initial.setdefault(f"stage-{index}-code", stage.code)
            self.initial.setdefault(f"stage-{index}-position", number)

    def stage_rows(self) -> list[list[forms.BoundField]]:
        """The inputs of each stage row, for the template."""
        rows = []
        for index in range(self.rows):
            names = ("name", "code", "position", "remove")
            fields = [f"stage-{index}-{name}" for name in names]
            rows.append([self[name] for name in fields if name in self.fields])
        return rows

    def _stages(self) -> list[dict[str, str]]:
        """The kept and new stages, in the order of their positions (ties keep the rows')."""
        chosen: list[tuple[int, int, dict[str, str]]] = []
        for index in range(self.rows):
            name = self.cleaned_data.get(f"stage-{index}-name") or ""
            if not name or self.cleaned_data.get(f"stage-{index}-remove"):
                continue
            code = self.cleaned_data.get(f"stage-{index}-code") or (
                slugify(name)[:64] or f"stage-{index + 1}"
            )
            position = self.cleaned_data.get(f"stage-{index}-position") or index + 1
            chosen.append((position, index, {"code": code, "name": name}))
        return [stage for _, _, stage in sorted(chosen, key=lambda row: row[:2])]

    def api_data(self) -> dict[str, Any] | None:
        """The API's body for the pipeline, checked by its serializer (None: errors are on the
        form)."""
        if not self.is_valid():
            return None
        body = {"name": self.cleaned_data["name"], "stages": self._stages()}
        if not body["stages"]:
            self.add_error(None, "A pipeline needs at least one stage: name one.")
            return None
        checked = checked_by(self, PipelineSerializer, body)
        if checked is None:
            return None
        checked["stages"] = [dict(stage) for stage in checked["stages"]]
        return checked


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class FieldCreateForm(forms.Form):
    entity = forms.ChoiceField(label="Record kind", choices=Entity.choices)
    label = forms.CharField(label="Label", max_length=255, strip=True)
    code = forms.SlugField(label="Code", max_length=64, help_text=SLUG_HELP)
    type = forms.ChoiceField(label="Type", choices=FieldType.choices)
    required = forms.BooleanField(label="Required", required=False)
    items = forms.CharField(
        label="List items",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a list field: one item per line.",
    )

    def api_data(self) -> dict[str, Any] | None:
        if not self.is_valid():
            return None
        body = {**self.cleaned_data, "items": _lines(self.cleaned_data["items"])}
        if body["type"] != FieldType.LIST and body["items"]:
            self.add_error("items", "Only a list field has items.")
            return None
        return checked_by(self, FieldDefinitionWriteSerializer, body)


class FieldEditForm(forms.Form):
    """A definition's label and whether it is required; for a list field its items (renamed in
    place, removed by their box) and new ones."""

    label = forms.CharField(label="Label", max_length=255, strip=True)
    required = forms.BooleanField(label="Required", required=False)

    def __init__(self, *args: Any, definition: FieldDefinition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("label", definition.label)
        self.initial.setdefault("required", definition.required)
        self.items: list[ListItem] = (
            list(definition.field_list.items.all()) if definition.field_list else []
        )
        for number, item in enumerate(self.items, start=1):
            self.fields[f"item-{item.pk}-label"] = forms.CharField(
                label=f"Item {number} name", max_length=255, strip=True
            )
            self.fields[f"item-{item.pk}-remove"] = forms.BooleanField(
                label=f"Item {number}: remove", required=False
            )
            self.initial.setdefault(f"item-{item.pk}-label", item.label)
        if definition.field_list is not None:
            self.fields["new_items"] = forms.CharField(
                label="New items",
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text="One item per line, added after the others.",
            )

    def item_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"item-{item.pk}-label"], self[f"item-{item.pk}-remove"]] for item in self.items
        ]

    def api_data(self) -> dict[str, Any] | None:
        if not self.is_valid():
            return None
        body: dict[str, Any] = {
            "label": self.cleaned_data["label"],
            "required": self.cleaned_data["required"],
        }
        if "new_items" in self.fields:
            removed = [
                item.pk for item in self.items if self.cleaned_data[f"item-{item.pk}-remove"]
            ]
            renamed = [
                {"id": item.pk, "label": self.cleaned_data[f"item-{item.pk}-label"]}
                for item in self.items
                if item.pk not in removed
                and self.cleaned_data[f"item-{item.pk}-label"] != item.label
            ]
            body["items"] = [*renamed, *_lines(self.cleaned_data["new_items"])]
            body["remove_items"] = removed
        return checked_by(self, FieldDefinitionUpdateSerializer, body, partial=True)
