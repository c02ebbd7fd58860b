"""The audit trail for records managers: the API's events, filters, paging, export and verify.

The page reads events through `audit.services.find_events` (the API list's own use case), links
**Export CSV** to the API's export with the same parameters, and verifies with
`audit.services.verify`, so the page and the API cannot disagree about what the trail holds.
"""

import json
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from audit import services as audit_services
from audit.models import AuditEvent
from audit.verify import Verification
from core.errors import Invalid
from permissions.access import require_records_manager
from web.forms._api_rules import put_errors
from web.forms.audit import AuditFilterForm
from web.outcomes import only_for

PAGE_SIZE = 50
DETAILS_SUMMARY_LENGTH = 120


class HtmxRequest(HttpRequest):
    htmx: HtmxDetails  # set by django-htmx's middleware


@require_GET
@only_for(require_records_manager)
def events(request: HttpRequest) -> HttpResponse:
    return _events_page(request)


@require_POST
@only_for(require_records_manager)
def verification(request: HtmxRequest) -> HttpResponse:
    """Re-compute the hash chain: a fragment for htmx, else the audit page with the result."""
    result = audit_services.verify(actor=request.user)
    context = {"verification": result, "broken": _broken_event(result)}
    if request.htmx:
        return render(request, "web/audit/_verification.html", context)
    return _events_page(request, **context)


def _broken_event(result: Verification) -> AuditEvent | None:
    if result.ok or result.first_bad_seq is None:
        return None
    return AuditEvent.objects.filter(seq=result.first_bad_seq).first()


def _events_page(request: HttpRequest, **extra: Any) -> HttpResponse:
    form = AuditFilterForm(request.GET if request.method == "GET" else None)
    status = 200
    page = None
    export_url = None
    if not form.is_bound or form.is_valid():
        params = form.api_params() if form.is_bound else {}
        try:
            found = audit_services.find_events(actor=request.user, params=params).order_by("-seq")
        except Invalid as refused:
            put_errors(form, refused.errors)
            status = 400
        else:
            page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
            export_url = f"{reverse('audit-export')}?{urlencode({'format': 'csv', **params})}"
    else:
        status = 400
    context = {
        "nav_area": "audit",
        "form": form,
        "page": page,
        "rows": [_row(event) for event in page] if page is not None else [],
        "export_url": export_url,
        "page_query": _without_page(request.GET),
        **extra,
    }
    return render(request, "web/audit/events.html", context, status=status)


def _row(event: AuditEvent) -> dict[str, Any]:
    obj = f"{event.object_type}:{event.object_id}" if event.object_type else event.object_id
    return {"event": event, "object": obj, "details": _summary(event.details)}


def _summary(details: Any) -> str:
    """`key: value` pairs on one line, cut short; the CSV and the API hold the whole."""
    if not details:
        return ""
    if isinstance(details, dict):
        parts = []
        for key, value in details.items():
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            parts.append(f"{key}: {shown}")
        text = "; ".join(parts)
    else:
        text = json.dumps(details, ensure_ascii=False)
    if len(text) > DETAILS_SUMMARY_LENGTH:
        return text[: DETAILS_SUMMARY_LENGTH - 1] + "…"
    return text


def _without_page(query: QueryDict) -> str:
    kept = query.copy()
    kept.pop("page", None)
    return kept.urlencode()
