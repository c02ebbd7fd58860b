"""Checks on an uploaded file before anything is stored."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from core.errors import Invalid, TooLarge, Unavailable, UnsupportedType
from repository.blobs import StorageUnavailable, store_blob
from repository.extraction import (
    ForbiddenFileType,
    UninspectableArchive,
    detect_type,
    uninspectable_archive,
)
from repository.uploads import HashedUploadedFile

MAX_FILENAME = 255


@dataclass(frozen=True)
class CheckedUpload:
    file: Any
    filename: str
    size: int
    sha256: str
    mime_type: str


def safe_filename(name: str) -> str:
    """The last path component, without control characters; never empty."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if not cleaned:
        cleaned = "file"
    if len(cleaned) > MAX_FILENAME:
        stem, dot, suffix = cleaned.rpartition(".")
        cleaned = (stem[: MAX_FILENAME - len(suffix) - 1] + dot + suffix) if dot else cleaned
        cleaned = cleaned[:MAX_FILENAME]
    return cleaned


def check_upload(upload: Any) -> CheckedUpload:
    """Reject empty, too large and forbidden files with a clear 4xx, a failed staging with 503.

    Everything here runs before the duplicate lookup, text extraction and storing, so a
    doomed upload costs none of them.
    """
    if upload is None:
        raise Invalid({"file": ["A file is required."]}, code="required")
    if not isinstance(upload, HashedUploadedFile):  # HashingUploadHandler made every upload
        raise Invalid({"file": ["The upload was not received completely."]})
    if upload.staging_failed:
        raise Unavailable(
            "The document store failed while the upload arrived; nothing was saved, try again.",
            "storage_unavailable",
        )
    size = upload.size or 0
    if size == 0:
        raise Invalid({"file": ["The file is empty."]}, code="empty")
    if size > settings.KONTOR_MAX_UPLOAD_BYTES:
        raise TooLarge(
            f"The file is {size} bytes; the limit is {settings.KONTOR_MAX_UPLOAD_BYTES}."
        )
    filename = safe_filename(upload.name or "")
    if upload.directory_too_large:
        refusal = str(uninspectable_archive(filename))
        raise UnsupportedType(refusal, "uninspectable_archive")
    try:
        mime_type = detect_type(upload.temporary_file_path(), filename)
    except ForbiddenFileType as error:
        code = (
            "uninspectable_archive"
            if isinstance(error, UninspectableArchive)
            else "forbidden_file_type"
        )
        raise UnsupportedType(str(error), code) from error
    return CheckedUpload(upload, filename, size, upload.sha256, mime_type)


def store_checked(upload: CheckedUpload) -> None:
    """Store and verify the bytes; done before any row is written."""
    try:
        store_blob(upload.file, sha256=upload.sha256, size=upload.size)
    except StorageUnavailable as error:
        raise Unavailable(
            f"The document store is unavailable ({error}); nothing was saved, try again.",
            "storage_unavailable",
        ) from error
