"""Service errors as page outcomes, in one place.

Services raise DRF `APIException` subclasses today; when they raise domain errors instead
(issue #10), only this module changes.
"""

from typing import Any

from rest_framework import exceptions


def service_error(error: exceptions.APIException) -> tuple[int, str]:
    """The HTTP status a page answers with, and the sentence it shows."""
    if isinstance(error, exceptions.ValidationError):
        return error.status_code, _summary(error.detail)
    return error.status_code, str(error.detail)


def _summary(detail: Any) -> str:
    if isinstance(detail, dict):
        parts = []
        for field, messages in detail.items():
            text = _summary(messages)
            parts.append(text if field == "non_field_errors" else f"{field}: {text}")
        return "; ".join(parts) or "Invalid input."
    if isinstance(detail, list):
        return " ".join(_summary(item) for item in detail) or "Invalid input."
    return str(detail)
