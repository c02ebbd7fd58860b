"""Domain errors: what a use case refuses, said without HTTP.

Services and the layers below them raise these; the API's one exception handler
(`config.api.exception_handler`) and the pages (`web.outcomes`) turn them into answers. Each
carries `status` (the HTTP status both use), `code` (for a program to test), `detail` (for a
person to read) and `extra`, fields the error body adds (`duplicate_of`, `hold`, `locked_by`,
...). `Invalid` also carries `errors`, the messages of each refused field.
"""

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "error"
    default_detail: ClassVar[str] = "The request cannot be done."

    def __init__(self, detail: str | None = None, code: str | None = None, **extra: Any) -> None:
        self.detail = detail if detail is not None else self.default_detail
        self.code = code or self.default_code
        self.extra: dict[str, Any] = extra
        super().__init__(self.detail)

    def body(self) -> dict[str, Any]:
        """The error body every answer carries: `{"detail", "code", ...extra}`."""
        return {"detail": self.detail, "code": self.code, **self.extra}


class Invalid(DomainError):
    """Bad input, field by field: `errors` maps each field to its messages."""

    status = 400
    default_code = "invalid"
    default_detail = "Invalid input."

    def __init__(self, errors: dict[str, list[str]], code: str | None = None, **extra: Any) -> None:
        self.errors = {
            field: [str(message) for message in messages] for field, messages in errors.items()
        }
        super().__init__(summary(self.errors), code, **extra)

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail, "code": self.code, "errors": self.errors, **self.extra}


class Unauthenticated(DomainError):
    status = 401
    default_code = "not_authenticated"
    default_detail = "Authentication credentials were not provided."


class Forbidden(DomainError):
    status = 403
    default_code = "permission_denied"
    default_detail = "You do not have permission to perform this action."


class NotFound(DomainError):
    """Missing, or out of the caller's sight: the two answer alike."""

    status = 404
    default_code = "not_found"
    default_detail = "Not found."


class Conflict(DomainError):
    status = 409
    default_code = "conflict"
    default_detail = "The request conflicts with the current state."


class TooLarge(DomainError):
    status = 413
    default_code = "too_large"
    default_detail = "The upload is too large."


class UnsupportedType(DomainError):
    status = 415
    default_code = "unsupported_media_type"
    default_detail = "Unsupported media type or forbidden file type."


class RuleViolation(DomainError):
    """Valid input that breaks a business rule."""

    status = 422
    default_code = "rule_violation"
    default_detail = "The request breaks a business rule."


class Unavailable(DomainError):
    status = 503
    default_code = "service_unavailable"
    default_detail = "A backing service is unavailable; try again shortly."


def summary(errors: Any) -> str:
    """One line naming each refused field and its messages."""
    if isinstance(errors, dict):
        parts = []
        for field, messages in errors.items():
            text = summary(messages)
            parts.append(text if field == "non_field_errors" else f"{field}: {text}")
        return "; ".join(parts) or "Invalid input."
    if isinstance(errors, list):
        return " ".join(summary(item) for item in errors) or "Invalid input."
    return str(errors)
