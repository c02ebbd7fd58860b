"""Error pages for people: a 404 page in the frame, a plain 500 page that needs no database."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def page_not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "web/errors/404.html", {}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors: the database or the session may be what failed.
    return HttpResponse(loader.get_template("web/errors/500.html").render(), status=500)
