"""Places in the navigation kept for areas that arrive with their own issues."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    context = {"heading": "Inbox", "what": "approval tasks", "when": "approval routes"}
    return render(request, "web/placeholder.html", context)


urlpatterns: list[URLPattern] = [
    path("inbox/", inbox, name="inbox"),
]
