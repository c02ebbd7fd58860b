"""Places in the navigation kept for areas that arrive with their own issues."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def crm(request: HttpRequest) -> HttpResponse:
    context = {"heading": "CRM", "what": "leads, contacts, companies and deals", "when": "the CRM"}
    return render(request, "web/placeholder.html", context)


urlpatterns: list[URLPattern] = [
    path("crm/", crm, name="crm"),
]
