"""Content-addressed blobs: store-and-verify before a row commits, verify again on read."""

import hashlib
import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages

logger = logging.getLogger(__name__)

BLOB_PREFIX = "sha256/"
READ_CHUNK = 1024 * 1024


class BlobIntegrityError(Exception):
    """Stored bytes do not match their SHA-256 or size."""


class StorageUnavailable(Exception):
    """The blob store did not answer."""


def blob_storage() -> Storage:
    return storages["blobs"]


def blob_key(sha256: str) -> str:
    return f"{BLOB_PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}"


def store_blob(content: Any, *, sha256: str, size: int) -> str:
    """Save the bytes under their hash (once) and verify what the store now holds."""
    storage = blob_storage()
    key = blob_key(sha256)
    try:
        staged_key = getattr(content, "staged_key", None)
        if staged_key:
            stored_size = storage.adopt_staged(staged_key, key, size)  # type: ignore[attr-defined]
            content.staged_key = None
        else:
            stored_size = storage.put_blob(key, content, size)  # type: ignore[attr-defined]
    except (OSError, ConnectionError) as error:
        raise StorageUnavailable(str(error)) from error
    except Exception as error:
        if error.__class__.__module__.startswith(("botocore", "boto3")):
            raise StorageUnavailable(str(error)) from error
        raise
    if stored_size != size:
        raise BlobIntegrityError(f"stored {stored_size} bytes for {sha256}, expected {size}")
    return key


def read_verified(sha256: str, size: int) -> Iterator[bytes]:
    """Yield the blob's bytes; raise BlobIntegrityError at the end if they do not match.

    The check at the end aborts a streamed response, so a client never gets a corrupt file
    silently marked complete.
    """
    hasher = hashlib.sha256()
    seen = 0
    with blob_storage().open(blob_key(sha256), "rb") as handle:
        while chunk := handle.read(READ_CHUNK):
            hasher.update(chunk)
            seen += len(chunk)
            yield chunk
    if seen != size or hasher.hexdigest() != sha256:
        logger.error("blob %s failed verification (%s of %s bytes)", sha256, seen, size)
        raise BlobIntegrityError(f"blob {sha256} does not match its checksum")


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
