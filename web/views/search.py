"""Pages of the search area."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def index(request: HttpRequest) -> HttpResponse:
    context = {"heading": "Search", "what": "this area", "when": "its pages"}
    return render(request, "web/placeholder.html", context)


urlpatterns: list[URLPattern] = [
    path("search/", index, name="search"),
]
