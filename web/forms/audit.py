"""The audit page's filters and the legal hold form.

The filters become the API's query parameters (`audit.services.find_events` reads them), so
the page, its CSV link and `GET /audit/events/` select the same events.
"""

import re
from datetime import date, timedelta
from typing import Any

from django import forms

from repository.models import HoldTarget
from repository.serializers import LegalHoldSerializer
from web.forms._api_rules import checked_by

# "document:12", "document 12" or "document #12"; a type alone ("folder") filters by type, an
# id alone ("12") by id whatever the type.
_OBJECT = re.compile(r"^\s*(?P<type>[^\s:#]+)\s*(?:[:\s#]\s*#?\s*(?P<id>\S+))?\s*$")


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label="Actor", required=False, max_length=150)
    action = forms.CharField(label="Action", required=False, max_length=64)
    object = forms.CharField(
        label="Object",
        required=False,
        max_length=100,
        help_text="A type and an id, such as document:12 or user:alice; a type or an id alone.",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput({"type": "date"})
    )
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))

    def clean_object(self) -> str:
        value: str = self.cleaned_data["object"]
        if value and not _OBJECT.match(value):
            raise forms.ValidationError("Write a type and an id, such as document:12.")
        return value.strip()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To is before From.")
        return cleaned

    def api_params(self) -> dict[str, str]:
        """The API's filter parameters for what the form holds (call after `is_valid()`)."""
        cleaned = self.cleaned_data
        params: dict[str, str] = {}
        for name in ("actor", "action"):
            if cleaned.get(name):
                params[name] = cleaned[name].strip()
        match = _OBJECT.match(cleaned.get("object") or "")
        if match and match["type"].isdigit() and not match["id"]:
            params["object_id"] = match["type"]
        elif match:
            params["object_type"] = match["type"]
            if match["id"]:
                params["object_id"] = match["id"]
        start: date | None = cleaned.get("date_from")
        if start:
            params["after"] = start.isoformat()
        end: date | None = cleaned.get("date_to")
        if end and end < date.max:
            # The API's `before` excludes its moment; a person's "To" includes the whole day.
            params["before"] = (end + timedelta(days=1)).isoformat()
        return params


class HoldForm(forms.Form):
    object_type = forms.ChoiceField(label="Object type", choices=HoldTarget.choices)
    object_id = forms.IntegerField(label="Object id", min_value=1)
    reason = forms.CharField(label="Reason", widget=forms.Textarea({"rows": 2}))

    def clean(self) -> dict[str, Any]:
        """The API's own checks of a hold (`LegalHoldSerializer`), errors under their fields."""
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        checked = checked_by(self, LegalHoldSerializer, cleaned)
        return cleaned if checked is None else {**cleaned, **checked}
