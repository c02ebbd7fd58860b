"""The search use case: parse, ask the engine (ACL-trimmed there), hydrate, audit."""

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection

from audit.record import RequestContext, record
from core.api import MAX_PAGE_SIZE
from core.compiled import CompiledRows
from core.errors import Invalid, Unavailable
from permissions.index_terms import search_access
from permissions.selectors import visible_rows
from repository.filters import parse_filters
from repository.models import Document
from search.backends import Hit, SearchRequest, SearchUnavailable, get_backend
from search.query import parse_query

SORTS = ("relevance", "-created_at")
DEFAULT_PAGE_SIZE = 20
# Deep pages cost the engine as much as everything before them (ES's max_result_window).
MAX_RESULT_WINDOW = 10_000
TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"", "0", "false", "no", "off"}


# The columns of a search hit's summary, read in one query beside the ACL check (no model
# instances, no version text); `summaries_of_rows` turns such rows into summaries.
SUMMARY_COLUMNS = (
    "id",
    "title",
    "document_type__slug",
    "folder_id",
    "status",
    "owner__username",
    "created_at",
    "updated_at",
    "registration_number",
    "current_version_id",
    "current_version__number",
    "current_version__filename",
    "current_version__size",
    "current_version__mime_type",
    "current_version__sha256",
    "current_version__comment",
    "current_version__created_at",
    "current_version__created_by__username",
    "current_version__text_status",
    "current_version__text_error",
    "current_version__text_source",
)


@dataclass
class SearchPage:
    total: int
    page: int
    page_size: int
    results: list[tuple[dict[str, Any], Hit]]  # (summary row, hit)
    facets: dict[str, dict[str, int]]

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < min(self.total, MAX_RESULT_WINDOW)


def _positive(params: Any, name: str, default: int) -> int:
    raw = params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Invalid({name: [f"'{raw}' is not a whole number."]}) from None
    if value < 1:
        raise Invalid({name: ["Must be 1 or more."]})
    return value


def _flag(params: Any, name: str) -> bool:
    raw = str(params.get(name, "")).strip().lower()
    if raw in TRUE_VALUES:
        return True
    if raw in FALSE_VALUES:
        return False
    raise Invalid({name: ["Expected true or false."]})


def build_request(user: Any, params: Any) -> tuple[SearchRequest, int, int]:
    """Validate the query parameters into an engine request (400 on bad input)."""
    query = parse_query(str(params.get("q", "")))
    filters = parse_filters(params, user)
    sort = params.get("sort") or ("relevance" if query is not None else "-created_at")
    if sort not in SORTS:
        raise Invalid({"sort": [f"One of {', '.join(SORTS)}."]})
    page = _positive(params, "page", 1)
    page_size = min(_positive(params, "page_size", DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE)
    offset = (page - 1) * page_size
    if offset + page_size > MAX_RESULT_WINDOW:
        raise Invalid(
            {"page": [f"Only the first {MAX_RESULT_WINDOW} results can be paged through."]},
            code="beyond_result_window",
        )
    request = SearchRequest(
        query=query,
        filters=filters,
        access=search_access(user),
        fuzzy=_flag(params, "fuzzy"),
        sort=sort,
        offset=offset,
        limit=page_size,
    )
    return request, page, page_size


def search_documents(*, context: RequestContext, params: Any) -> SearchPage:
    request, page, page_size = build_request(context.user, params)
    try:
        outcome = get_backend().search(request)
    except SearchUnavailable as error:
        raise Unavailable("Search is unavailable; try again shortly.") from error
    rows = _visible_rows(context.user, [hit.document_id for hit in outcome.hits])
    results = [(rows[hit.document_id], hit) for hit in outcome.hits if hit.document_id in rows]
    record(context, "search", details={"q": str(params.get("q", "")), "count": outcome.total})
    return SearchPage(
        total=outcome.total,
        page=page,
        page_size=page_size,
        results=results,
        facets=outcome.facets,
    )


@lru_cache(maxsize=8)
def _tag_names(alias: str) -> CompiledRows:
    """Tag names by document, compiled once per database (nothing in it depends on data)."""
    return CompiledRows(
        Document.tags.through.objects.using(alias).values("document_id", "tag__name"),
        key="document_id",
        order_by=("tag__name",),
    )


def _visible_rows(user: Any, document_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Summary rows of the hits the caller may see, by id: two queries for a page.

    Defence in depth: the hits pass the ACL selector again, so a stale index entry never shows
    a document the caller cannot see. Plain rows rather than model instances, from queries
    compiled once (`visible_rows`, `CompiledRows`): for a page of hits, building the queries
    anew cost more than running them.
    """
    rows = {row["id"]: row for row in visible_rows(user, SUMMARY_COLUMNS, document_ids)}
    if not rows:
        return {}
    for row in rows.values():
        row["tags"] = []
    for tagged in _tag_names(connection.alias).rows(list(rows)):
        rows[tagged["document_id"]]["tags"].append(tagged["tag__name"])
    return rows
