"""The route form: a name and a fixed number of step rows (blank rows are left out).

What a person writes becomes the body of `POST /routes/` (approvers one per line or
comma-separated) and is read by the API's `RouteWriteSerializer`, so the page accepts exactly
what the API accepts, with its messages.
"""

import re
from typing import Any

from django import forms

from lifecycle.api.serializers import RouteWriteSerializer
from lifecycle.models import StepMode
from web.forms._api_rules import checked_by

STEP_ROWS = 3
_SEPARATORS = re.compile(r"[\n,]+")


def _step_fields(number: int) -> dict[str, forms.Field]:
    return {
        f"step{number}_name": forms.CharField(label="Step name", required=False, max_length=200),
        f"step{number}_approvers": forms.CharField(
            label="Approvers",
            required=False,
            widget=forms.Textarea({"rows": 2}),
            help_text="user:name, group:name or role:name; one per line or comma-separated.",
        ),
        f"step{number}_mode": forms.ChoiceField(
            label="Mode", choices=StepMode.choices, initial=StepMode.ALL
        ),
        f"step{number}_quorum": forms.IntegerField(
            label="Quorum", required=False, min_value=1, help_text="Quorum mode only."
        ),
        f"step{number}_deadline_hours": forms.IntegerField(
            label="Deadline (hours)", required=False, min_value=1
        ),
        f"step{number}_escalation": forms.CharField(
            label="Escalation",
            required=False,
            max_length=200,
            help_text="Optional: who receives a task whose deadline passed (user:, group: or "
            "role:name).",
        ),
    }


class RouteForm(forms.Form):
    name = forms.CharField(label="Route name", max_length=200)

    def __init__(self, *args: Any, rows: int = STEP_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for number in range(1, rows + 1):
            self.fields.update(_step_fields(number))

    @classmethod
    def for_steps(cls, name: str, steps: list[dict[str, Any]]) -> "RouteForm":
        """The form filled with a route version's name and steps, and one blank row more."""
        initial: dict[str, Any] = {"name": name}
        for number, step in enumerate(steps, start=1):
            initial.update(
                {
                    f"step{number}_name": step["name"],
                    f"step{number}_approvers": "\n".join(step["approvers"]),
                    f"step{number}_mode": step["mode"],
                    f"step{number}_quorum": step.get("quorum"),
                    f"step{number}_deadline_hours": step.get("deadline_hours"),
                    f"step{number}_escalation": step.get("escalation") or "",
                }
            )
        return cls(initial=initial, rows=max(STEP_ROWS, len(steps) + 1))

    def step_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"step{number}_{part}"] for part in _PARTS] for number in range(1, self.rows + 1)
        ]

    def api_data(self) -> dict[str, Any] | None:
        """The route's body as the API's serializer validated it, or None with errors shown
        (call after `is_valid()`)."""
        cleaned = self.cleaned_data
        steps = []
        for number in range(1, self.rows + 1):
            approvers = [
                part.strip()
                for part in _SEPARATORS.split(cleaned.get(f"step{number}_approvers") or "")
                if part.strip()
            ]
            name = (cleaned.get(f"step{number}_name") or "").strip()
            if not name and not approvers:
                continue  # a blank row
            step: dict[str, Any] = {
                "name": name,
                "approvers": approvers,
                "mode": cleaned.get(f"step{number}_mode"),
            }
            for part in ("quorum", "deadline_hours"):
                if cleaned.get(f"step{number}_{part}") is not None:
                    step[part] = cleaned[f"step{number}_{part}"]
            escalation = (cleaned.get(f"step{number}_escalation") or "").strip()
            if escalation:
                step["escalation"] = escalation
            steps.append(step)
        if not steps:
            self.add_error(None, "Give the route at least one step: a name and its approvers.")
            return None
        return checked_by(self, RouteWriteSerializer, {"name": cleaned["name"], "steps": steps})


_PARTS = ("name", "approvers", "mode", "quorum", "deadline_hours", "escalation")


class _MomentInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class AbsenceForm(forms.Form):
    """The caller's out of office; the times are in the server's time zone."""

    substitute = forms.CharField(
        label="Substitute",
        max_length=150,
        help_text="The username of who receives your tasks while you are away.",
    )
    starts = forms.DateTimeField(
        label="From", required=False, widget=_MomentInput(), help_text="Leave empty for now."
    )
    ends = forms.DateTimeField(label="Until", widget=_MomentInput())
