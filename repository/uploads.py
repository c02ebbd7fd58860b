"""Upload handling: every uploaded file goes to a temporary file and is hashed as it arrives.

Large uploads in S3 mode are streamed to the store in parts while they arrive instead
(`repository.staging`), so storing them does not wait for the whole body first. Their temporary
file then holds only the head and the tail of the body, the parts type detection reads (the
file has its full length, the middle is a hole): the bytes are written once, to the store.
"""

import hashlib
from collections import deque
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler


class HashedUploadedFile(TemporaryUploadedFile):
    """An uploaded temporary file with its SHA-256 and, for large S3 uploads, a staged copy.

    Closing it (Django closes uploads when the request ends) removes a staged copy that was
    never adopted, so a refused upload leaves nothing in the store.
    """

    sha256: str = ""
    # Only the head and tail are on disk: the body is in the store under `staged_key`.
    staged_key: str | None = None
    # The store failed while a staged upload arrived: the body is lost, the upload is refused.
    staging_failed: bool = False

    def close(self) -> None:
        if self.staged_key:
            discard_staged(self)
        super().close()


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes to a temporary file (memory stays flat) and computes SHA-256 on the way."""

    # Django reads the body in chunks of the smallest handler chunk size (64 KiB by default);
    # 1 MiB chunks cut the per-chunk work of reading, hashing and staging a large upload.
    chunk_size = 1024 * 1024
    # Kept on disk from a staged upload: type detection reads the first 8 KiB, and a zip's
    # central directory at the end (at most max_zip_entries entries).
    head_bytes = 1024 * 1024
    tail_bytes = 4 * 1024 * 1024
    request_length: int | None = None
    staged: Any = None

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        content_length = kwargs.get("content_length", args[2] if len(args) > 2 else None)
        self.request_length = content_length
        super().handle_raw_input(*args, **kwargs)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        FileUploadHandler.new_file(self, *args, **kwargs)
        self.file = HashedUploadedFile(
            self.file_name or "upload", self.content_type, 0, self.charset, self.content_type_extra
        )
        self.hasher = hashlib.sha256()
        self.staged = None
        self.tail: deque[bytes] = deque()
        self.tail_size = 0
        begin = getattr(storages["blobs"], "begin_staged", None)
        if begin is not None and (self.request_length or 0) >= settings.KONTOR_STAGED_UPLOAD_BYTES:
            self.staged = begin()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.hasher.update(raw_data)
        if self.staged is None:
            return super().receive_data_chunk(raw_data, start)
        self.staged.write(raw_data)
        if start < self.head_bytes:
            self.file.write(raw_data[: self.head_bytes - start])
        self.tail.append(raw_data)
        self.tail_size += len(raw_data)
        while self.tail_size - len(self.tail[0]) >= self.tail_bytes:
            self.tail_size -= len(self.tail.popleft())
        return None

    def file_complete(self, file_size: int) -> TemporaryUploadedFile:
        if self.staged is not None:
            self._write_tail(file_size)
        uploaded = super().file_complete(file_size)
        assert isinstance(uploaded, HashedUploadedFile)
        uploaded.sha256 = self.hasher.hexdigest()
        if self.staged is not None:
            uploaded.staged_key = self.staged.finish()
            uploaded.staging_failed = uploaded.staged_key is None
            self.staged = None
        return uploaded

    def _write_tail(self, file_size: int) -> None:
        """The last bytes at their place; the file gets its full length, the middle a hole."""
        tail = b"".join(self.tail)
        self.tail.clear()
        offset = max(file_size - len(tail), self.head_bytes)
        if offset < file_size:
            self.file.seek(offset)
            self.file.write(tail[len(tail) - (file_size - offset) :])
        self.file.truncate(file_size)

    def upload_interrupted(self) -> None:
        if self.staged is not None:
            self.staged.abort()
            self.staged = None
        super().upload_interrupted()


def discard_staged(upload: Any) -> None:
    """Remove the staged copy of an upload that was refused before it was stored."""
    key = getattr(upload, "staged_key", None)
    discard = getattr(storages["blobs"], "discard_staged", None)
    upload.staged_key = None
    if key and discard is not None:
        discard(key)
