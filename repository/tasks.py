"""Background jobs of the repository: text extraction, OCR of scans, and the text's
near-duplicate signature.

In embedded mode Celery runs tasks eagerly, so `.delay()` after commit runs them in-process;
OCR, which takes far longer, runs there in a background thread instead (repository.scanning).
Every outcome, read or OCR'd, done or failed, goes through `_finish`: the one place where a
version's text is signalled ready.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from repository import minhash
from repository.blobs import local_copy
from repository.extraction import (
    ExtractionError,
    ExtractionLimits,
    can_extract,
    extract_text,
    filetypes,
)
from repository.models import TextSource, TextStatus, Version
from repository.ocr import PDF, is_scan_type, pages_without_text
from repository.outbox import document_changed
from repository.previews import make_picture
from repository.scanning import limits, ocr_version, run_in_background
from repository.text_signatures import store_signature

logger = logging.getLogger(__name__)

# Inline reads run inside the upload request, where no worker time limit stops them: a
# 256 KiB .xlsx inflating 100:1 cost ~10 s of CPU there. Archives that inflate past this
# are read by the worker instead, with the normal limits.
INLINE_LIMITS = ExtractionLimits(max_total_uncompressed=4 * 1024 * 1024)


def queue_text_extraction(version_id: int) -> None:
    """Extract the version's text once the current transaction commits."""
    transaction.on_commit(lambda: _dispatch(version_id))


def _dispatch(version_id: int) -> None:
    try:
        extract_version_text.delay(version_id)
    except Exception:
        # The version stays `pending`; `manage.py extract_pending` queues it again.
        logger.exception("could not queue text extraction of version %s", version_id)


def read_text(path: str, mime_type: str) -> dict[str, str]:
    """The text fields of a version read from the file at `path` (done, or failed and why)."""
    try:
        text = extract_text(path, mime_type)
    except ExtractionError as error:
        return {"text": "", "text_status": TextStatus.FAILED, "text_error": str(error)[:500]}
    return _done(text)


def inline_text(path: str, mime_type: str, size: int) -> dict[str, str] | None:
    """Text of a small office file, read during the upload; None leaves it to the worker.

    Small text, HTML, RTF, .xls and zip-based office files are read at once under
    INLINE_LIMITS, which spares the background job a second fetch of the bytes. PDFs, larger
    files and files these limits refuse go to the worker, whose time limit stops a file that
    is slow rather than big.
    """
    if size > settings.KONTOR_INLINE_TEXT_BYTES or not _is_read_inline(mime_type):
        return None
    try:
        text = extract_text(path, mime_type, INLINE_LIMITS)
    except ExtractionError:
        # Perhaps only too big to read here: the worker reads it with the normal limits and
        # records the error if the file is really broken.
        return None
    return _done(text)


def _is_read_inline(mime_type: str) -> bool:
    # A PDF can be slow rather than big: only the worker's time limit stops it.
    return can_extract(mime_type) and mime_type != filetypes.PDF


def _done(text: str) -> dict[str, str]:
    return {
        "text": text,
        "text_status": TextStatus.DONE,
        "text_error": "",
        "text_source": TextSource.TEXT,
    }


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
    # A hostile PDF can be slow rather than big; the worker gives up on it (not in eager mode).
    soft_time_limit=300,
    time_limit=330,
)
def extract_version_text(version_id: int) -> str:
    version = Version.objects.filter(pk=version_id).first()
    if version is None or version.text_status != TextStatus.PENDING:
        return "skipped"
    if is_scan_type(version.mime_type):
        queue_ocr(version.pk)
        return "ocr"
    if not can_extract(version.mime_type):
        # Nothing to read: do not fetch the bytes (a 1 GB video would cross the network).
        error = ExtractionError(f"no text extractor for {version.mime_type}")
        return _finish(
            version, {"text": "", "text_status": TextStatus.FAILED, "text_error": str(error)}
        )
    try:
        with local_copy(version.sha256) as path:
            outcome = read_text(path, version.mime_type)
            # Pages without a text layer of their own are scans: OCR reads them (the text
            # pages keep their text), and the version stays pending until it has.
            is_scanned = (
                version.mime_type == PDF
                and outcome["text_status"] == TextStatus.DONE
                and pages_without_text(path, limits()) > 0
            )
    except SoftTimeLimitExceeded:
        outcome = {
            "text": "",
            "text_status": TextStatus.FAILED,
            "text_error": "text extraction took longer than 300 s and was stopped",
        }
        is_scanned = False
    if is_scanned:
        queue_ocr(version.pk)
        return "ocr"
    return _finish(version, outcome)


def queue_ocr(version_id: int) -> None:
    """OCR the version: a Celery task in production, a background thread in embedded mode."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_in_background(lambda: ocr_version(version_id, _finish))
        return
    try:
        ocr_version_text.delay(version_id)
    except Exception:
        # The version stays `pending`; `manage.py extract_pending` queues it again.
        logger.exception("could not queue OCR of version %s", version_id)


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    # OCR stops itself after KONTOR_OCR_TIMEOUT_SECONDS per try; this is the backstop.
    time_limit=6 * 3600,
)
def ocr_version_text(version_id: int) -> str:
    return ocr_version(version_id, _finish)


def queue_picture(rendition_id: int) -> None:
    """Draw a page picture once the current transaction commits (a thread in embedded mode)."""
    transaction.on_commit(lambda: _dispatch_picture(rendition_id))


def _dispatch_picture(rendition_id: int) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        run_in_background(lambda: make_picture(rendition_id))
        return
    try:
        make_version_picture.delay(rendition_id)
    except Exception:
        # The rendition stays pending; asking for it again after a while queues it anew.
        logger.exception("could not queue the page picture %s", rendition_id)


@shared_task(
    autoretry_for=(OSError, ConnectionError),
    retry_backoff=True,
    max_retries=3,
    acks_late=True,
    soft_time_limit=240,
    time_limit=300,
)
def make_version_picture(rendition_id: int) -> str:
    return make_picture(rendition_id)


def _finish(version: Version, outcome: dict[str, str]) -> str:
    """The version's text is ready (done or failed): store it and queue the search index."""
    done = outcome["text_status"] == TextStatus.DONE
    signature = minhash.signature(outcome["text"]) if done else None  # before the lock
    with transaction.atomic():
        updated = Version.objects.filter(pk=version.pk, text_status=TextStatus.PENDING).update(
            **outcome
        )
        if updated and done:
            store_signature(
                version_id=version.pk, document_id=version.document_id, signature=signature
            )
        document_changed(version.document_id)
    return str(outcome["text_status"])
