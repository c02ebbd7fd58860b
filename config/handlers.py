"""Django's 404 and 500 handlers: JSON under /api/, a page everywhere else."""

from django.http import HttpRequest, HttpResponse

from config.api import json_not_found, json_server_error
from web.errors import page_not_found, server_error


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return json_not_found(request) if _is_api(request) else page_not_found(request)


def failed(request: HttpRequest) -> HttpResponse:
    return json_server_error(request) if _is_api(request) else server_error(request)
