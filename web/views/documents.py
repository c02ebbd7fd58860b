"""Pages of the documents area: the list (also `/`), upload and the document page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/documents/list.html", {})


urlpatterns: list[URLPattern] = [
    path("", document_list, name="home"),
    path("documents/", document_list, name="documents"),
]
