"""Audit endpoints for records managers (`role:records_manager`) and administrators.

Records managers see every event, whoever it concerns and whatever the document ACLs say:
answering "who read this document, from where" is their job, and the events carry ids and
actions, never document contents.
"""

import csv
import json
from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit import services
from audit.models import AuditEvent
from audit.serializers import AuditEventSerializer, VerificationSerializer
from core.api import (
    DATE_OR_DATE_TIME,
    IP_ADDRESS,
    Pagination,
    error_responses,
)
from permissions.drf import RecordsManagers

EVENT_FILTERS = [
    OpenApiParameter("actor", str, description="username"),
    OpenApiParameter("action", str),
    OpenApiParameter("object_type", str),
    OpenApiParameter("object_id", str),
    OpenApiParameter("after", DATE_OR_DATE_TIME, description="inclusive"),
    OpenApiParameter("before", DATE_OR_DATE_TIME, description="exclusive"),
    OpenApiParameter("ip", IP_ADDRESS),
]
# The export's columns are the API's event fields, in the same order; each cell by its name.
CSV_COLUMNS = list(AuditEventSerializer.Meta.fields)
_CSV_CELLS: dict[str, Callable[[AuditEvent], Any]] = {
    "seq": lambda event: event.seq,
    "at": lambda event: event.at.isoformat(),
    "actor": lambda event: event.actor_username,
    "ip": lambda event: event.ip or "",
    "user_agent": lambda event: event.user_agent,
    "action": lambda event: event.action,
    "object_type": lambda event: event.object_type,
    "object_id": lambda event: event.object_id,
    "details": lambda event: json.dumps(event.details, sort_keys=True, ensure_ascii=False),
    "hash": lambda event: event.hash,
    "prev_hash": lambda event: event.prev_hash,
}


class AuditEventsView(APIView):
    permission_classes = [*APIView.permission_classes, RecordsManagers]
    pagination_class = Pagination  # the schema's: GET answers a page

    @extend_schema(
        parameters=EVENT_FILTERS,
        responses={200: AuditEventSerializer(many=True), **error_responses(403)},
    )
    def get(self, request: Request) -> Response:
        events = services.find_events(actor=request.user, params=request.query_params)
        events = events.order_by("-seq")
        paginator = Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(AuditEventSerializer(page, many=True).data)


class CSVRenderer(renderers.BaseRenderer):
    """Declares `?format=csv` to content negotiation; the view streams the body itself."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self, data: Any, accepted_media_type: Any = None, renderer_context: Any = None
    ) -> Any:
        return data


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    cells = [_CSV_CELLS[column] for column in CSV_COLUMNS]
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow([cell(event) for cell in cells])


class AuditExportView(APIView):
    permission_classes = [*APIView.permission_classes, RecordsManagers]
    renderer_classes = [renderers.JSONRenderer, CSVRenderer]

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(response, Response) and response.exception:
            # An error is JSON, as everywhere, also when `?format=csv` chose the CSV renderer.
            request.accepted_renderer = renderers.JSONRenderer()
            request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    @extend_schema(
        parameters=[*EVENT_FILTERS, OpenApiParameter("format", str, enum=["csv"])],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="One event a row"),
            **error_responses(403, 404, e404="No such `format`."),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        events = services.find_events(actor=request.user, params=request.query_params)
        events = events.order_by("seq")
        response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="audit-events.csv"'
        return response


class AuditVerifyView(APIView):
    permission_classes = [*APIView.permission_classes, RecordsManagers]

    @extend_schema(responses={200: VerificationSerializer, **error_responses(403)})
    def get(self, request: Request) -> Response:
        result = services.verify(actor=request.user)
        return Response(
            {
                "ok": result.ok,
                "checked": result.checked,
                "first_bad_seq": result.first_bad_seq,
                "reason": result.reason,
            }
        )
