"""`GET /api/v1/search/`: thin; the work is in `search.services`."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

from audit.record import context_from
from core.api import MAX_PAGE_SIZE, error_responses
from repository.views.documents import FILTER_PARAMETERS
from search.serializers import SearchResponseSerializer, summaries_of_rows
from search.services import MAX_RESULT_WINDOW, search_documents

SEARCH_PARAMETERS = [
    OpenApiParameter(
        "q",
        str,
        description='Words (all required), "phrases", prefixes (contr*), AND / OR / NOT, '
        "parentheses. A query that does not parse is read as plain words.",
    ),
    OpenApiParameter("fuzzy", bool, description="Also match words one or two edits away."),
    OpenApiParameter("sort", str, enum=["relevance", "-created_at"]),
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1},
        description=f"Pages past the first {MAX_RESULT_WINDOW} results answer 400 "
        "(`beyond_result_window`).",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1},
        description=f"Larger sizes are served as {MAX_PAGE_SIZE}.",
    ),
    *FILTER_PARAMETERS,
]


class SearchView(APIView):
    @extend_schema(
        parameters=SEARCH_PARAMETERS,
        responses={
            200: SearchResponseSerializer,
            **error_responses(503, e503="The search engine is unavailable; try again shortly."),
        },
    )
    def get(self, request: Request) -> Response:
        page = search_documents(context=context_from(request), params=request.query_params)
        url = request.build_absolute_uri()
        next_url = replace_query_param(url, "page", page.page + 1) if page.has_next else None
        previous_url = None
        if page.page > 1:
            previous_url = (
                replace_query_param(url, "page", page.page - 1)
                if page.page > 2
                else remove_query_param(url, "page")
            )
        facets = {"document_type": {}, "status": {}, "tags": {}, **page.facets}
        # Plain rows to plain dicts: per-hit serializers cost more than the engine.
        summaries = summaries_of_rows([row for row, _ in page.results])
        return Response(
            {
                "count": page.total,
                "next": next_url,
                "previous": previous_url,
                "results": [
                    {
                        "document": summary,
                        "score": hit.score,
                        "highlights": hit.highlights,
                    }
                    for summary, (_row, hit) in zip(summaries, page.results, strict=True)
                ],
                "facets": facets,
            }
        )
