"""The OCR job of one version: its scan read by OCR, the searchable PDF kept as a rendition.

The original bytes are never changed: Tesseract (for a picture or a PDF made only of pictures)
or OCRmyPDF (for a PDF with text on some pages) writes a new PDF, stored under its own hash like
a version's bytes and recorded as the version's `searchable_pdf` rendition; its text becomes
the version's text (`text_source` = `ocr`). At most `KONTOR_OCR_JOBS` jobs run at once in one
process (a semaphore, one per core by default). A job that fails for a reason that may pass is
tried again, at most `KONTOR_OCR_ATTEMPTS` times counted on the version, so a job lost with its
process and queued again by `extract_pending` does not start the count anew.

In embedded mode the job runs in a background thread after the upload has answered (the
version's text stays `pending` meanwhile); in production it is a Celery task (repository.tasks).
"""

import hashlib
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.files import File
from django.db import OperationalError, close_old_connections, connection, transaction
from django.db.models import F

from repository.blobs import local_copy, store_blob
from repository.extraction import ExtractionError, extract_text
from repository.models import (
    Rendition,
    RenditionKind,
    RenditionStatus,
    TextSource,
    TextStatus,
    Version,
)
from repository.ocr import (
    PDF,
    OcrFailed,
    OcrLimits,
    OcrRefused,
    is_image_only,
    is_scan_type,
    make_searchable,
)
from repository.tesseract import read_picture, read_scanned_pdf

logger = logging.getLogger(__name__)

Finish = Callable[[Version, dict[str, str]], str]
T = TypeVar("T")
_LOCKED_TRIES = 20

_slots: threading.BoundedSemaphore | None = None
_slots_guard = threading.Lock()
_threads: list[threading.Thread] = []


def limits() -> OcrLimits:
    return OcrLimits(
        languages=settings.KONTOR_OCR_LANGUAGES,
        max_pixels=settings.KONTOR_OCR_MAX_PIXELS,
        max_pages=settings.KONTOR_OCR_MAX_PAGES,
        timeout_seconds=settings.KONTOR_OCR_TIMEOUT_SECONDS,
    )


def _job_slots() -> threading.BoundedSemaphore:
    global _slots
    with _slots_guard:
        if _slots is None:
            _slots = threading.BoundedSemaphore(max(1, settings.KONTOR_OCR_JOBS))
        return _slots


def retry_when_locked(write: Callable[[], T]) -> T:
    """Run a database write from a background thread, again while SQLite says it is locked.

    Threads of one process share SQLite's cache in tests and the development server, where a
    table lock held by the serving thread fails a write at once instead of waiting.
    """
    for attempt in range(_LOCKED_TRIES):
        try:
            return write()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == _LOCKED_TRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def run_in_background(job: Callable[[], object]) -> None:
    """Run `job` in a thread of this process (embedded mode) with its own database connection."""

    def work() -> None:
        try:
            job()
        except Exception:
            logger.exception("background OCR job failed")
        finally:
            connection.close()

    thread = threading.Thread(target=work, name="kontor-ocr", daemon=True)
    _threads.append(thread)
    thread.start()


def wait_for_background(timeout: float | None = None) -> None:
    """Wait for this process's background OCR jobs (a command must not exit under them)."""
    while _threads:
        _threads.pop().join(timeout)


def ocr_version(version_id: int, finish: Finish) -> str:
    """Read the version's pages by OCR and hand the outcome to `finish` (the text is ready)."""
    with _job_slots():
        close_old_connections()
        version = Version.objects.filter(pk=version_id).first()
        if version is None or version.text_status != TextStatus.PENDING:
            return "skipped"
        attempts = settings.KONTOR_OCR_ATTEMPTS
        outcome = _failed(f"OCR failed {attempts} times")
        while version.ocr_attempts < attempts:
            _count_attempt(version)
            try:
                text = _read(version)
            except OcrRefused as error:
                outcome = _failed(f"OCR refused the file: {error}")
                break
            except OcrFailed as error:
                logger.warning(
                    "OCR of version %s failed (try %s): %s", version.pk, version.ocr_attempts, error
                )
                outcome = _failed(f"OCR failed {version.ocr_attempts} times: {error}")
                continue
            except Exception as error:  # unforeseen, from a tool or this file: a failed try
                logger.exception(
                    "OCR of version %s crashed (try %s)", version.pk, version.ocr_attempts
                )
                reason = f"{type(error).__name__}: {error}"
                outcome = _failed(f"OCR failed {version.ocr_attempts} times: {reason}")
                continue
            outcome = {
                "text": text,
                "text_status": TextStatus.DONE,
                "text_error": "",
                "text_source": TextSource.OCR,
            }
            break
        return retry_when_locked(lambda: finish(version, outcome))


def _count_attempt(version: Version) -> None:
    retry_when_locked(
        lambda: Version.objects.filter(pk=version.pk).update(ocr_attempts=F("ocr_attempts") + 1)
    )
    version.ocr_attempts += 1


def _failed(reason: str) -> dict[str, str]:
    return {"text": "", "text_status": TextStatus.FAILED, "text_error": reason[:500]}


def _read(version: Version) -> str:
    """The searchable PDF of the version, stored as its rendition; its text."""
    settings_limits = limits()
    with (
        tempfile.TemporaryDirectory(
            prefix="kontor-ocr-", dir=settings.FILE_UPLOAD_TEMP_DIR
        ) as folder,
        local_copy(version.sha256) as original,
    ):
        target = Path(folder) / "searchable.pdf"
        if is_scan_type(version.mime_type):
            text = read_picture(original, target, settings_limits)
        elif is_image_only(original, settings_limits):
            text = read_scanned_pdf(original, target, settings_limits)
        else:
            make_searchable(Path(original), target, settings_limits)
            try:
                text = extract_text(str(target), PDF)
            except ExtractionError as error:
                raise OcrFailed(f"the OCR'd PDF could not be read: {error}") from error
        keep_rendition(version, RenditionKind.SEARCHABLE_PDF, 0, target, PDF)
    return text


def keep_rendition(version: Version, kind: str, page: int, path: Path, mime_type: str) -> Rendition:
    """Store the file under its hash and record it as the version's rendition (done)."""
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1024 * 1024):
            hasher.update(chunk)
    size = path.stat().st_size
    sha256 = hasher.hexdigest()
    with path.open("rb") as handle:
        store_blob(File(handle), sha256=sha256, size=size)

    def record() -> Rendition:
        with transaction.atomic():
            rendition, _ = Rendition.objects.update_or_create(
                version=version,
                kind=kind,
                page=page,
                defaults={
                    "status": RenditionStatus.DONE,
                    "error": "",
                    "sha256": sha256,
                    "size": size,
                    "mime_type": mime_type,
                },
            )
        return rendition

    return retry_when_locked(record)
