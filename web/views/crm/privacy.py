"""Pages for a person's data: the export download and the erasure with its confirmation step.

They call the API's own services (`crm.services.privacy`), so the rules are the API's: a record
out of sight is the 404 page, anyone but records managers and administrators is refused (403),
an erasure is refused while a linked document is held (409), and each writes its audit event.
"""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from audit.record import context_from
from crm.selectors import get_record
from crm.services import privacy
from permissions.principals import has_role
from web.outcomes import ServiceError, service_error
from web.views.crm.kinds import KINDS, Kind


def actions(user: Any, entity: str, record: Any) -> dict[str, str] | None:
    """The record page's Personal data section: for records managers and administrators, on
    a lead or a contact (the record page has already checked the user sees it)."""
    if entity not in privacy.PERSON_KINDS or not has_role(user, "records_manager"):
        return None
    one = KINDS[entity].one
    return {
        "export_url": reverse(f"crm_{one}_personal_data", args=[record.pk]),
        "erase_url": reverse(f"crm_{one}_erase", args=[record.pk]),
    }


def _page(
    request: HttpRequest, kind: Kind, record: Any, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "nav_area": "crm",
        "kind": kind,
        "kinds": KINDS.values(),
        "record": record,
        "kind_url": kind.url(record.pk),
        "error": error,
        "may_erase": status != 403,
    }
    return render(request, "web/crm/erase.html", context, status=status)


def _record(request: HttpRequest, kind: Kind, pk: int) -> Any:
    try:
        return get_record(request.user, kind.entity, pk)
    except ServiceError as error:
        service_error(error)  # the 404 page
        raise


@require_GET
@login_required
def export(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    """The JSON the API answers, as a file to keep."""
    kind = KINDS[entity]
    record = _record(request, kind, pk)
    try:
        data = privacy.personal_data(
            context=context_from(request), entity=entity, record_id=record.pk
        )
    except ServiceError as refused:
        outcome = service_error(refused)
        return _page(request, kind, record, error=outcome.message, status=outcome.status)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    name = f"personal-data-{kind.one}-{record.pk}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
@login_required
def erase(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    """GET: what erasing does and a confirm button; POST: erase, back on the record page."""
    kind = KINDS[entity]
    record = _record(request, kind, pk)
    if not has_role(request.user, "records_manager"):
        message = "Records managers and administrators only."
        return _page(request, kind, record, error=message, status=403)
    if request.method != "POST":
        return _page(request, kind, record)
    try:
        erased = privacy.erase_person(
            context=context_from(request), entity=entity, record_id=record.pk
        )
    except ServiceError as refused:
        outcome = service_error(refused)
        return _page(request, kind, record, error=outcome.message, status=outcome.status)
    messages.success(request, f"Personal data erased: the person is now {erased['pseudonym']}.")
    return redirect(kind.url(record.pk))


urlpatterns: list[URLPattern] = [
    route
    for entity in privacy.PERSON_KINDS
    for route in (
        path(
            f"crm/{KINDS[entity].many}/<int:pk>/personal-data/",
            export,
            {"entity": entity},
            name=f"crm_{KINDS[entity].one}_personal_data",
        ),
        path(
            f"crm/{KINDS[entity].many}/<int:pk>/erase/",
            erase,
            {"entity": entity},
            name=f"crm_{KINDS[entity].one}_erase",
        ),
    )
]
