"""Pictures of a document's pages and the searchable PDF OCR made of a version."""

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from audit.record import context_from
from core.api import error_responses
from repository.blobs import read_verified
from repository.models import Rendition
from repository.services.previews import (
    Picture,
    download_searchable_pdf,
    page_number,
    read_picture,
)

PICTURE = OpenApiResponse(OpenApiTypes.BINARY, description="A PNG picture of the page.")
NOT_YET = (
    "No picture: the caller may not view the document, no picture is made of its kind of file, "
    "or it is still being drawn (then with `Retry-After`, code `preview_pending`)."
)


class PictureActions:
    """The viewset's picture and rendition actions (mixed into DocumentViewSet)."""

    @extend_schema(responses={(200, "image/png"): PICTURE, **error_responses(404, e404=NOT_YET)})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request: Request, pk: str) -> StreamingHttpResponse | Response:
        return _picture(read_picture(context=context_from(request), document_id=pk, page=None))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1}, description="page number; default 1"
            )
        ],
        responses={(200, "image/png"): PICTURE, **error_responses(404, e404=NOT_YET)},
    )
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> StreamingHttpResponse | Response:
        page = page_number(request.query_params.get("page") or 1)
        return _picture(read_picture(context=context_from(request), document_id=pk, page=page))

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The searchable PDF OCR made of the version."
            ),
            **error_responses(403),
        },
    )
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>[0-9]+)/rendition")
    def rendition(self, request: Request, pk: str, number: str) -> StreamingHttpResponse:
        rendition = download_searchable_pdf(
            context=context_from(request), document_id=pk, number=number
        )
        response = _stream(rendition)
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"document-{pk}-v{number}-searchable.pdf"
        )
        return response


def _picture(picture: Picture) -> StreamingHttpResponse | Response:
    if picture.rendition is None:
        return Response(
            {"code": "preview_pending", "detail": "The picture is being made; ask again shortly."},
            status=status.HTTP_404_NOT_FOUND,
            headers={"Retry-After": str(picture.retry_after)},
        )
    response = _stream(picture.rendition)
    # The picture of a version never changes; the browser may keep it, but only for this user.
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _stream(rendition: Rendition) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        read_verified(rendition.sha256, rendition.size), content_type=rendition.mime_type
    )
    response["Content-Length"] = str(rendition.size)
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{rendition.sha256}"'
    return response
