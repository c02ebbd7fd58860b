"""Pictures of pages and the searchable PDF: derived from a version, read like the version.

A thumbnail or page preview needs `view` on the document (404 otherwise, as for the document
itself) and is recorded as `document.preview`; the first request for a picture queues its
drawing and answers "not yet" with the seconds to wait, later ones serve the stored PNG. A
scanned picture's pages are drawn once its OCR is done, from the searchable PDF (straightened
and upright); until then the answer is "not yet". The
searchable PDF made by OCR is the content in another form: it needs `download` and is recorded
as a download.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Invalid, NotFound
from permissions.access import get_document, require_version
from permissions.codes import Permission
from repository.models import Rendition, RenditionKind, RenditionStatus, TextStatus, Version
from repository.ocr import IMAGE_TYPES
from repository.previews import can_preview, page_limit, picture_kind
from repository.services.reads import version_of
from repository.tasks import queue_picture

RETRY_AFTER_SECONDS = 3
# A picture pending this long was lost with its worker or thread: asking again redraws it.
_STALE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Picture:
    """A stored picture, or none yet and the seconds after which to ask again."""

    rendition: Rendition | None
    retry_after: int | None = None


def page_number(raw: Any) -> int:
    try:
        page = int(raw)
    except (TypeError, ValueError):
        raise Invalid({"page": ["Expected a page number."]}) from None
    if page < 1:
        raise Invalid({"page": ["Pages are numbered from 1."]})
    return page


def read_picture(*, context: RequestContext, document_id: Any, page: int | None) -> Picture:
    """The current version's thumbnail (`page` None) or picture of page `page`."""
    document = get_document(context.user, document_id)
    version = version_of(document, None)
    require_version(context.user, document, version, Permission.VIEW)
    if not can_preview(version.mime_type):
        raise NotFound("No picture is made of this kind of file.", "no_preview")
    if page is not None and page > page_limit():
        raise NotFound(f"No picture is made past page {page_limit()}.", "no_preview")
    if version.mime_type in IMAGE_TYPES and version.text_status == TextStatus.PENDING:
        # A scan's pictures are drawn from the straightened, upright PDF its OCR is making.
        return Picture(None, RETRY_AFTER_SECONDS)
    kind, number = picture_kind(page)
    rendition = _rendition(version, kind, number)
    if rendition.status == RenditionStatus.FAILED:
        raise NotFound(f"No picture can be made of this page: {rendition.error}", "no_preview")
    if rendition.status == RenditionStatus.PENDING:
        return Picture(None, RETRY_AFTER_SECONDS)
    record(
        context,
        "document.preview",
        object_type="document",
        object_id=document.pk,
        details={"version": version.number, "page": number, "kind": kind},
    )
    return Picture(rendition)


def _rendition(version: Version, kind: str, page: int) -> Rendition:
    """The picture's row, made (and its drawing queued) on the first request."""
    rendition = Rendition.objects.filter(version=version, kind=kind, page=page).first()
    if rendition is not None:
        stale = timezone.now() - _STALE_AFTER
        if rendition.status == RenditionStatus.PENDING and rendition.created_at < stale:
            with transaction.atomic():
                if Rendition.objects.filter(pk=rendition.pk, created_at__lt=stale).update(
                    created_at=timezone.now()
                ):
                    queue_picture(rendition.pk)
        return rendition
    try:
        with transaction.atomic():
            rendition = Rendition.objects.create(version=version, kind=kind, page=page)
            queue_picture(rendition.pk)
    except IntegrityError:
        # Another request made it first; its drawing is queued.
        rendition = Rendition.objects.get(version=version, kind=kind, page=page)
    return rendition


def download_searchable_pdf(*, context: RequestContext, document_id: Any, number: Any) -> Rendition:
    """The searchable PDF that OCR made of version `number`; recorded as a download."""
    document = get_document(context.user, document_id, Permission.DOWNLOAD)
    version = version_of(document, number)
    require_version(context.user, document, version, Permission.DOWNLOAD)
    rendition = Rendition.objects.filter(
        version=version, kind=RenditionKind.SEARCHABLE_PDF, status=RenditionStatus.DONE
    ).first()
    if rendition is None:
        raise NotFound("This version has no searchable PDF (only scans read by OCR have one).")
    record(
        context,
        "document.download",
        object_type="document",
        object_id=document.pk,
        details={
            "version": version.number,
            "rendition": RenditionKind.SEARCHABLE_PDF.value,
            "sha256": rendition.sha256,
        },
    )
    return rendition
