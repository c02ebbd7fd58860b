"""Service errors as page outcomes, for the audit and administration pages.

Private until `web/outcomes.py` (the pages' one translation) reaches this branch: then these
helpers call it and this module shrinks to the form plumbing. Services raise DRF
`APIException`s today; a page answers their status with the form again, never a 500.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from rest_framework import exceptions

from web.forms._api_rules import put_errors, sentence

View = Callable[..., HttpResponse]


def service_error(error: exceptions.APIException) -> tuple[int, str]:
    """The status a page answers with, and one sentence for a person."""
    if isinstance(error, exceptions.ValidationError):
        return 400, sentence(error.detail)
    return int(error.status_code), sentence(error.detail)


def show_on_form(form: forms.Form, error: exceptions.APIException) -> int:
    """Put a service's refusal on the form (under the field it names when the form has one);
    the status to answer with. A not-found is the 404 page, as in the API."""
    if isinstance(error, exceptions.NotFound):
        raise Http404(str(error.detail)) from error
    status, message = service_error(error)
    if isinstance(error, exceptions.ValidationError):
        put_errors(form, error.detail)
    else:
        form.add_error(None, message)
    return status


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
            except exceptions.PermissionDenied as refused:
                raise Http404("Not found.") from refused
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorate
