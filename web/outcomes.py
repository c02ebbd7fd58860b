"""The one place where a service's refusal becomes what a page shows.

Services raise DRF `APIException`s today (`config.api`); issue #10 replaces them with domain
errors. Pages catch `ServiceError` and ask `service_error()` what to show, so that switch is
an edit of this module alone. Not-found (or not visible) becomes the 404 page, exactly as the
API answers 404; everything else is a message shown on the page with the API's status.
"""

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from rest_framework import exceptions

# What pages catch around a service call.
ServiceError = exceptions.APIException


@dataclass(frozen=True)
class Outcome:
    """What a page shows for a refused action: the status it answers and a sentence."""

    status: int
    message: str
    code: str


def service_error(error: ServiceError) -> Outcome:
    """The page outcome of a service error; raises `Http404` for what is missing or hidden."""
    if isinstance(error, exceptions.NotFound):
        raise Http404(str(error.detail)) from error
    code = _first_code(error.get_codes())
    if isinstance(error, exceptions.ValidationError):
        return Outcome(400, _summary(error.detail), code)
    return Outcome(error.status_code, str(error.detail), code)


def _first_code(codes: Any) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes) if codes else "error"


def _summary(detail: Any) -> str:
    """A validation error's messages as one sentence (field names read as words)."""
    if isinstance(detail, dict):
        parts = []
        for field, messages in detail.items():
            text = _summary(messages)
            label = str(field).replace("_", " ").capitalize()
            parts.append(text if field == "non_field_errors" else f"{label}: {text}")
        return " ".join(parts) or "Invalid input."
    if isinstance(detail, list):
        return " ".join(_summary(item) for item in detail) or "Invalid input."
    return str(detail)
