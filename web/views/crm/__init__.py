"""Pages of the CRM area: leads, contacts, companies and deals, and converting a lead."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from crm.models import Entity
from web.views.crm import conversion, manage, privacy, records
from web.views.crm.kinds import KINDS


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return redirect("crm_leads")


@require_GET
@login_required
def generate_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Generating a deal's document from a template: templates arrive with their own issue."""
    kind = KINDS[Entity.DEAL]
    deal = records.record_or_404(request, kind, pk)
    context = {"nav_area": "crm", "kind": kind, "kinds": KINDS.values(), "record": deal}
    return render(request, "web/crm/generate.html", context)


def _record_paths(entity: str) -> list[URLPattern]:
    kind = KINDS[entity]
    kwargs = {"entity": entity}
    return [
        path(f"crm/{kind.many}/", records.record_list, kwargs, name=f"crm_{kind.many}"),
        path(f"crm/{kind.many}/<int:pk>/", records.record_page, kwargs, name=f"crm_{kind.one}"),
        path(
            f"crm/{kind.many}/<int:pk>/edit/",
            records.record_edit,
            kwargs,
            name=f"crm_{kind.one}_edit",
        ),
    ]


urlpatterns: list[URLPattern] = [
    path("crm/", overview, name="crm"),
    *(route for entity in KINDS for route in _record_paths(entity)),
    *(route for entity in KINDS for route in manage.manage_paths(entity)),
    path("crm/leads/<int:pk>/convert/", conversion.convert_step, name="crm_lead_convert_step"),
    path("crm/leads/<int:pk>/conversion/", conversion.convert, name="crm_lead_convert"),
    path("crm/leads/<int:pk>/junk/", conversion.junk, name="crm_lead_junk"),
    path("crm/deals/<int:pk>/generate/", generate_document, name="crm_deal_generate"),
    *privacy.urlpatterns,
]
