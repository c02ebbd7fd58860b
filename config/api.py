"""API conventions shared by every app: pagination and the error body."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.functional import cached_property
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

MAX_PAGE_SIZE = 200


class _CountedPaginator(DjangoPaginator):
    """Django's paginator with the total supplied by a function instead of `.count()`."""

    def __init__(self, object_list: Any, per_page: int, *, total: Callable[[], int]) -> None:
        super().__init__(object_list, per_page)
        self._total = total

    @cached_property
    def count(self) -> int:
        return self._total()


class Pagination(PageNumberPagination):
    """Page-number pagination; `total` counts the whole list when the caller knows better."""

    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def __init__(self, total: Callable[[], int] | None = None) -> None:
        self.total = total

    def django_paginator_class(self, object_list: Any, per_page: int) -> DjangoPaginator:  # type: ignore[override]
        if self.total is None:
            return DjangoPaginator(object_list, per_page)
        return _CountedPaginator(object_list, per_page, total=self.total)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class BusinessRuleViolation(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request breaks a business rule."
    default_code = "rule_violation"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The upload is too large."
    default_code = "too_large"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "A backing service is unavailable; try again shortly."
    default_code = "service_unavailable"


def api_error(status_code: int, detail: str, code: str, **extra: Any) -> exceptions.APIException:
    """An APIException with a given status, code and extra body fields."""
    error = exceptions.APIException(detail=detail, code=code)
    error.status_code = status_code
    error.extra = extra  # type: ignore[attr-defined]
    return error


def _first_code(codes: Any) -> str:
    while isinstance(codes, dict | list) and codes:
        codes = next(iter(codes.values())) if isinstance(codes, dict) else codes[0]
    return str(codes) if codes else "error"


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Every error answers `{"detail", "code", ...}`; field errors go under `errors`."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        body: dict[str, Any] = {
            "detail": _validation_summary(exc.detail),
            "code": _first_code(exc.get_codes()),
            "errors": exc.detail,
        }
    else:
        body = {"detail": str(exc.detail), "code": _first_code(exc.get_codes())}
    body.update(getattr(exc, "extra", {}))
    response.data = body
    return response


def _validation_summary(detail: Any) -> str:
    if isinstance(detail, dict):
        parts = []
        for field, messages in detail.items():
            text = _validation_summary(messages)
            parts.append(text if field == "non_field_errors" else f"{field}: {text}")
        return "; ".join(parts) or "Invalid input."
    if isinstance(detail, list):
        return " ".join(_validation_summary(item) for item in detail) or "Invalid input."
    return str(detail)


def json_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def json_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {"detail": "Internal error; it has been logged.", "code": "server_error"}, status=500
    )
