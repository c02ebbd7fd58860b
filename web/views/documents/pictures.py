"""Pictures of a document's pages on its pages: the API's service, read permission and audit.

A picture still being drawn answers 404 with Retry-After, as in the API; kontor.js asks again
for thumbnails and previews that failed to load, so they appear without a reload. The browser
may keep a picture for an hour (one `document.preview` event per picture and hour, not one per
list view); the pages put the current version's number in the picture's address (`?version=`,
not read here), so a new version's picture is asked for, never the old one taken from the cache.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from audit.record import context_from
from repository.blobs import read_verified
from repository.models import Document, Rendition, RenditionKind, RenditionStatus
from repository.previews import can_preview, page_limit
from repository.services.previews import download_searchable_pdf, page_number, read_picture
from web.outcomes import ServiceError, service_error


def has_picture(document: Document) -> bool:
    """Whether a picture is made of the document's current version (its kind of file)."""
    version = document.current_version
    return version is not None and can_preview(version.mime_type)


def picture_section(request: HttpRequest, document: Document) -> dict[str, Any]:
    """The document page's pages section: a page's picture (`?page=`, the first by default),
    the searchable PDF when OCR made one, and where the text came from."""
    version = document.current_version
    try:
        page = page_number(request.GET.get("page") or 1)
    except ServiceError:
        page = 1
    searchable = (
        version is not None
        and Rendition.objects.filter(
            version=version, kind=RenditionKind.SEARCHABLE_PDF, status=RenditionStatus.DONE
        ).exists()
    )
    return {
        "has_picture": has_picture(document),
        "has_searchable_pdf": searchable,
        "preview_page": page,
        "max_preview_page": page_limit(),
    }


@login_required
@require_GET
def searchable_pdf(
    request: HttpRequest, pk: int, number: int
) -> HttpResponse | StreamingHttpResponse:
    """The searchable PDF of a version, as `GET .../versions/{n}/rendition/` serves it."""
    try:
        rendition = download_searchable_pdf(
            context=context_from(request), document_id=pk, number=number
        )
    except ServiceError as error:
        outcome = service_error(error)
        return HttpResponse(outcome.message, status=outcome.status, content_type="text/plain")
    response = _stream(rendition)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"document-{pk}-v{number}-searchable.pdf"
    )
    return response


@login_required
@require_GET
def thumbnail(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    return _picture(request, pk, None)


@login_required
@require_GET
def preview(request: HttpRequest, pk: int) -> HttpResponse | StreamingHttpResponse:
    try:
        page = page_number(request.GET.get("page") or 1)
    except ServiceError as error:
        return HttpResponse(service_error(error).message, status=400, content_type="text/plain")
    return _picture(request, pk, page)


def _picture(
    request: HttpRequest, pk: int, page: int | None
) -> HttpResponse | StreamingHttpResponse:
    try:
        picture = read_picture(context=context_from(request), document_id=pk, page=page)
    except ServiceError as error:
        outcome = service_error(error)  # the 404 page for what is missing or hidden
        return HttpResponse(outcome.message, status=outcome.status, content_type="text/plain")
    if picture.rendition is None:
        pending = HttpResponse("The picture is being made.", status=404, content_type="text/plain")
        pending["Retry-After"] = str(picture.retry_after)
        return pending
    response = _stream(picture.rendition)
    response["Cache-Control"] = "private, max-age=3600"
    return response


def _stream(rendition: Rendition) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        read_verified(rendition.sha256, rendition.size), content_type=rendition.mime_type
    )
    response["Content-Length"] = str(rendition.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
