"""The one place where a service's refusal becomes what a page shows.

Services raise domain errors (`core.errors.DomainError`: `status`, `code`, `detail`, and
`errors` for refused fields), the same the API's exception handler answers; input a page checks
with the API's own serializer is refused as DRF's `ValidationError`. Pages catch `ServiceError`
(either) and ask `service_error()` what to show. Not-found (or not visible) becomes the
404 page, exactly as the API answers 404; everything else is a message shown on the page with
the API's status.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions

from core.errors import DomainError, Forbidden, Invalid, NotFound
from web.forms._api_rules import put_errors

View = Callable[..., HttpResponse]

# What pages catch around a service call.
ServiceError = (DomainError, exceptions.ValidationError)


@dataclass(frozen=True)
class Outcome:
    """What a page shows for a refused action: the status it answers and a sentence."""

    status: int
    message: str
    code: str


def service_error(error: Exception) -> Outcome:
    """The page outcome of a service error; raises `Http404` for what is missing or hidden."""
    if isinstance(error, NotFound):
        raise Http404(error.detail) from error
    if isinstance(error, Invalid):
        return Outcome(error.status, _summary(error.errors), error.code)
    if isinstance(error, exceptions.ValidationError):
        return Outcome(400, _summary(error.detail), _first_code(error.get_codes()))
    if isinstance(error, DomainError):
        return Outcome(error.status, error.detail, error.code)
    raise error


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


def show_on_form(form: forms.Form, error: Exception) -> int:
    """Put a service's refusal on the form (under the field it names when the form has one);
    the status to answer with. A not-found is the 404 page, as in the API."""
    outcome = service_error(error)
    if isinstance(error, Invalid):
        put_errors(form, error.errors)
    elif isinstance(error, exceptions.ValidationError):
        put_errors(form, error.detail)
    else:
        form.add_error(None, outcome.message)
    return outcome.status


def only_for(rule: Callable[[Any], None]) -> Callable[[View], View]:
    """A page for those the API's `rule` lets in; anyone else gets the 404 page.

    The rule records the refusal (`access_denied`) as it does for the API, which answers 403:
    a page does not tell a person that an area they may not use exists.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                rule(request.user)
            except Forbidden as refused:
                raise Http404("Not found.") from refused
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate


def missing_fields(error: Exception) -> dict[str, list[str]]:
    """What a refused action misses, per target (a lead conversion's 422 `missing_fields`),
    so a page can ask for those fields; empty for any other refusal."""
    if isinstance(error, DomainError) and error.code == "missing_fields":
        missing = error.extra.get("missing")
        if isinstance(missing, dict):
            return {str(target): [str(name) for name in names] for target, names in missing.items()}
    return {}
