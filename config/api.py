"""API conventions shared by every app: pagination, the error body and its schema."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator as DjangoPaginator
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import cached_property
from django.utils.timezone import is_naive, make_aware
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
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


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error answer (the schema of `exception_handler`'s output).

    Some codes add fields: `errors` (400, per field), `duplicate_of` (409 `duplicate`), `hold`
    (409 `legal_hold`), `locked_by` (409 `locked`).
    """

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(help_text="What went wrong, for a program to test.")
    # A declared field, taken out of the class by DRF: the `errors` property stays untouched.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="400 only: the messages of each field that was refused."
    )


# Parameter schemas the views share. Filters read a date or an ISO 8601 date-time (and a space
# for the `T`, which the schema leaves out).
DATE_OR_DATE_TIME = {
    "anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]
}
IP_ADDRESS = {"anyOf": [{"type": "string", "format": "ipv4"}, {"type": "string", "format": "ipv6"}]}


def query_moment(params: Any, name: str) -> datetime | None:
    """The query parameter `name` read as `DATE_OR_DATE_TIME` (400 otherwise), in UTC.

    In UTC because ISO 8601 allows offsets up to ±23:59 but PostgreSQL only ±15:59.
    """
    raw = params.get(name)
    if not raw:
        return None
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime(day.year, day.month, day.day) if day else None
        if moment is not None:
            moment = (make_aware(moment) if is_naive(moment) else moment).astimezone(UTC)
    except (ValueError, OverflowError):  # no such day or time, or before year 1 in UTC
        moment = None
    if moment is None:
        raise exceptions.ValidationError(
            {name: [f"'{raw}' is not a date or an ISO 8601 date-time."]}
        )
    return moment


# What each error status means (API.md, Conventions); the schema's descriptions.
ERROR_MEANINGS = {
    400: "Bad input.",
    401: "No or invalid credentials.",
    403: "Authenticated but not allowed.",
    404: "Not found, or not visible to the caller.",
    409: "Conflict with the current state.",
    413: "The request body is too large.",
    415: "Unsupported media type or forbidden file type.",
    422: "Valid input that breaks a business rule.",
    429: "Too many attempts; try again after the cool-down.",
    503: "A backing service (storage, search) is unavailable; try again shortly.",
}


def error_responses(*codes: int, **meanings: str) -> dict[int, OpenApiResponse]:
    """Schema responses for error statuses an operation answers beyond the usual ones.

    `config.schema.AutoSchema` adds those that follow from the operation's shape (401, 400,
    403, 404, 413, 415); a view declares the rest. `meanings` overrides a description, keyed
    `e409="..."`.
    """
    return {
        code: OpenApiResponse(
            ErrorSerializer, description=meanings.get(f"e{code}", ERROR_MEANINGS[code])
        )
        for code in codes
    }
