"""The administration's journal form: the API's serializer runs over what it cleaned, so the
page accepts what `POST /journals/` accepts (the service then checks the code and format)."""

from typing import Any

from django import forms

from lifecycle.api.journals import JournalSerializer
from lifecycle.services.journals import CODE_RULE, DEFAULT_FORMAT, FORMAT_RULE
from web.forms._api_rules import checked_by


class JournalForm(forms.Form):
    code = forms.CharField(label="Code", max_length=10, help_text=CODE_RULE)
    name = forms.CharField(label="Name", max_length=200)
    format = forms.CharField(
        label="Format", max_length=100, initial=DEFAULT_FORMAT, help_text=FORMAT_RULE
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        checked = checked_by(self, JournalSerializer, cleaned)
        return cleaned if checked is None else checked
