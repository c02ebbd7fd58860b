"""`/search/`: the API's search service, shown as a page (same ACL trimming, same audit event)."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.safestring import SafeString

from audit.record import context_from
from repository.models import DocumentStatus, DocumentType
from search.services import MAX_RESULT_WINDOW, SearchPage, search_documents
from web.outcomes import ServiceError, service_error
from web.views.search.marks import marked

TEMPLATE = "web/search/page.html"
STATUS_LABELS = dict(DocumentStatus.choices)


@dataclass(frozen=True)
class FacetGroup:
    """How one facet of the engine's answer narrows the search: its query parameter, whether
    it takes several values (tags, all required) or one."""

    facet: str
    parameter: str
    heading: str
    any_label: str
    many: bool = False


FACET_GROUPS = (
    FacetGroup("document_type", "document_type", "Type", "Any type"),
    FacetGroup("status", "status", "Status", "Any status"),
    FacetGroup("tags", "tag", "Tags", "Any tag", many=True),
)


@dataclass
class FacetValue:
    label: str
    count: int
    href: str
    is_active: bool


@dataclass
class Result:
    row: dict[str, Any]
    document_type: str
    status: str
    highlights: list[SafeString]


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict[str, Any] = {"nav_area": "search", "query": query}
    if not query:
        return render(request, TEMPLATE, context)
    try:
        page = search_documents(context=context_from(request), params=request.GET)
    except ServiceError as error:
        outcome = service_error(error)
        context["error"] = outcome.message
        return render(request, TEMPLATE, context, status=outcome.status)
    type_names = _type_names(page)
    context.update(
        total=page.total,
        results=[
            Result(
                row=row,
                document_type=type_names.get(row["document_type__slug"] or "", ""),
                status=STATUS_LABELS.get(row["status"], row["status"]),
                highlights=[marked(fragment) for fragment in hit.highlights],
            )
            for row, hit in page.results
        ],
        facets=_facets(request.GET, page, type_names),
        pager=_pager(request.GET, page),
    )
    return render(request, TEMPLATE, context)


def _link(params: QueryDict, changes: dict[str, list[str]]) -> str:
    """This search with some parameters replaced, back on its first page."""
    copy = params.copy()
    copy.pop("page", None)
    for name, values in changes.items():
        copy.setlist(name, values)
    return "?" + copy.urlencode()


def _type_names(page: SearchPage) -> dict[str, str]:
    """Names of the document types on this page of results and in its facet, by slug."""
    slugs = set(page.facets.get("document_type", {}))
    slugs.update(row["document_type__slug"] for row, _ in page.results)
    slugs.discard(None)
    if not slugs:
        return {}
    return dict(DocumentType.objects.filter(slug__in=slugs).values_list("slug", "name"))


def _facets(
    params: QueryDict, page: SearchPage, type_names: dict[str, str]
) -> list[dict[str, Any]]:
    groups = []
    for group in FACET_GROUPS:
        chosen = [
            value.strip()
            for raw in params.getlist(group.parameter)
            for value in raw.split(",")
            if value.strip()
        ]
        counts = page.facets.get(group.facet, {})
        values = []
        for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            is_active = value in chosen
            if group.many:
                after = [v for v in chosen if v != value] if is_active else [*chosen, value]
            else:
                after = [] if is_active else [value]
            names = {"status": STATUS_LABELS, "document_type": type_names}.get(group.facet, {})
            label = names.get(value, value)
            values.append(
                FacetValue(label, count, _link(params, {group.parameter: after}), is_active)
            )
        if values or chosen:
            groups.append(
                {
                    "heading": group.heading,
                    "values": values,
                    "clear": _link(params, {group.parameter: []}) if chosen else None,
                    "any_label": group.any_label,
                }
            )
    return groups


def _pager(params: QueryDict, page: SearchPage) -> dict[str, Any]:
    reachable = min(page.total, MAX_RESULT_WINDOW)
    pages = max(1, -(-reachable // page.page_size))

    def to(number: int) -> str:
        copy = params.copy()
        copy.pop("page", None)
        if number > 1:
            copy["page"] = str(number)
        return "?" + copy.urlencode()

    return {
        "number": page.page,
        "pages": pages,
        "previous": to(page.page - 1) if page.page > 1 else None,
        "next": to(page.page + 1) if page.has_next else None,
    }
