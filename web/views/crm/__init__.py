"""Pages of the CRM area: leads, contacts, companies and deals, and converting a lead."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from web.views.crm import conversion, generate, manage, privacy, records
from web.views.crm.kinds import KINDS


@require_GET
@login_required
def overview(request: HttpRequest) -> HttpResponse:
    return redirect("crm_leads")


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
    path("crm/deals/<int:pk>/generate/", generate.generate_document, name="crm_deal_generate"),
    *privacy.urlpatterns,
]
