"""API conventions shared by every app's API modules: pagination, the error body's schema,
the parameters they share."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.core.paginator import Paginator as DjangoPaginator
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import cached_property
from django.utils.timezone import is_naive, make_aware
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from core.errors import Invalid

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


class ErrorSerializer(serializers.Serializer[Any]):
    """The body of every error answer (the schema of `config.api.exception_handler`'s output).

    Some codes add fields: `errors` (400, per field), `duplicate_of` (409 `duplicate`), `hold`
    (409 `legal_hold`), `locked_by` (409 `locked`), `missing` (422 `missing_fields`).
    """

    detail = serializers.CharField(help_text="What went wrong, for a person to read.")
    code = serializers.CharField(help_text="What went wrong, for a program to test.")
    # A declared field, taken out of the class by DRF: the `errors` property stays untouched.
    errors = serializers.DictField(  # type: ignore[assignment]
        required=False, help_text="400 only: the messages of each field that was refused."
    )
    missing = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="422 `missing_fields` only: per record to create, the fields it misses.",
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
        raise Invalid({name: [f"'{raw}' is not a date or an ISO 8601 date-time."]})
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
