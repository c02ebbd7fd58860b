"""Background jobs of the repository: text extraction, and the text's near-duplicate signature.

In embedded mode Celery runs tasks eagerly, so `.delay()` after commit runs them in-process.
"""

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction

from repository import minhash
from repository.blobs import blob_key, blob_storage
from repository.extraction import (
    ExtractionError,
    ExtractionLimits,
    can_extract,
    extract_text,
    filetypes,
)
from repository.models import TextStatus, Version
from repository.outbox import document_changed
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


@contextmanager
def local_copy(sha256: str) -> Iterator[str]:
    """A local file path with the blob's bytes (the blob itself when the store is a folder)."""
    storage = blob_storage()
    key = blob_key(sha256)
    try:
        path = storage.path(key)
    except NotImplementedError:
        path = ""
    if path:
        yield path
        return
    with (
        tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".blob") as copy,
        storage.open(key, "rb") as source,
    ):
        shutil.copyfileobj(source, copy, 1024 * 1024)
        copy.flush()
        yield copy.name


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
    return {"text": text, "text_status": TextStatus.DONE, "text_error": ""}


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
    if not can_extract(version.mime_type):
        # Nothing to read: do not fetch the bytes (a 1 GB video would cross the network).
        error = ExtractionError(f"no text extractor for {version.mime_type}")
        return _finish(
            version, {"text": "", "text_status": TextStatus.FAILED, "text_error": str(error)}
        )
    try:
        with local_copy(version.sha256) as path:
            outcome = read_text(path, version.mime_type)
    except SoftTimeLimitExceeded:
        outcome = {
            "text": "",
            "text_status": TextStatus.FAILED,
            "text_error": "text extraction took longer than 300 s and was stopped",
        }
    return _finish(version, outcome)


def _finish(version: Version, outcome: dict[str, str]) -> str:
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
