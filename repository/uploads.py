"""Upload handling: every uploaded file goes to a temporary file and is hashed as it arrives.

Large uploads in S3 mode are streamed to the store in parts while they arrive instead
(`repository.staging`), so storing them does not wait for the whole body first. Their temporary
file then holds only the head and the tail of the body, the parts type detection reads (the
file has its full length, the middle is a hole): the bytes are written once, to the store.
What type detection reads in the hole (a zip's directory, the archives inside it, a PE
header) is read back from the staged object, so detection sees what it sees in the file
uploaded whole.
"""

import contextlib
import hashlib
import io
import logging
import os
from collections import deque
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler

from repository.extraction import MAX_INSPECTED_BYTES, detect_file_type

logger = logging.getLogger(__name__)

# The most read back from the store into the hole. Detection itself reads no more beyond its
# head and tail (it refuses a zip needing more), so this only guards against a reader gone
# wrong: an upload needing more is refused rather than accepted unread.
MAX_READ_BACK = MAX_INSPECTED_BYTES


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
    # A staged upload needing more read back than MAX_READ_BACK to be checked: refused, since
    # its members (a Java archive's, say) could not be checked.
    directory_too_large: bool = False

    def close(self) -> None:
        if self.staged_key:
            discard_staged(self)
        super().close()


class HashingUploadHandler(TemporaryFileUploadHandler):
    """Writes to a temporary file (memory stays flat) and computes SHA-256 on the way."""

    # Django reads the body in chunks of the smallest handler chunk size (64 KiB by default);
    # 1 MiB chunks cut the per-chunk work of reading, hashing and staging a large upload.
    chunk_size = 1024 * 1024
    # Kept on disk from a staged upload: type detection reads the first 8 KiB (a generous
    # 1 MiB is kept) and a zip's end records in the last 64 KiB; what it reads in between is
    # completed from the store (`_read_back_inspected_parts`).
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
        hole = self._write_tail(file_size) if self.staged is not None else range(0)
        uploaded = super().file_complete(file_size)  # flushes: the file is read by path next
        assert isinstance(uploaded, HashedUploadedFile)
        uploaded.sha256 = self.hasher.hexdigest()
        if self.staged is not None:
            uploaded.staged_key = self.staged.finish()
            uploaded.staging_failed = uploaded.staged_key is None
            self.staged = None
            if uploaded.staged_key and hole:
                _read_back_inspected_parts(uploaded, hole)
        return uploaded

    def _write_tail(self, file_size: int) -> range:
        """The last bytes at their place; the file gets its full length, the middle a hole.

        Returns the hole: the offsets whose bytes are only in the store.
        """
        tail = b"".join(self.tail)
        self.tail.clear()
        offset = max(file_size - len(tail), self.head_bytes)
        if offset < file_size:
            self.file.seek(offset)
            self.file.write(tail[len(tail) - (file_size - offset) :])
        self.file.truncate(file_size)
        return range(self.head_bytes, offset)

    def upload_interrupted(self) -> None:
        if self.staged is not None:
            self.staged.abort()
            self.staged = None
        super().upload_interrupted()


def _read_back_inspected_parts(uploaded: HashedUploadedFile, hole: range) -> None:
    """Fill in from the store the parts of the hole that type detection reads.

    Rather than locating those parts a second way, detection itself runs here on a file that
    fetches what each read asks for in the hole before it returns; the check that follows
    reads the same bytes, now on disk. Without a file name detection reads at least what it
    reads with one (a forbidden name only stops it early), and its verdict here is dropped.
    """
    storage: Any = storages["blobs"]

    def fill(part: range) -> None:
        uploaded.seek(part.start)
        for chunk in storage.read_staged_range(uploaded.staged_key, part.start, part.stop):
            uploaded.write(chunk)
        uploaded.flush()  # the filling file reads it back through its own handle

    with (
        _HoleFilling(uploaded.temporary_file_path(), hole, fill) as file,
        contextlib.suppress(Exception),
    ):
        detect_file_type(file, "")
    uploaded.seek(0)
    if file.too_large:
        uploaded.directory_too_large = True
    elif file.failure is not None:
        logger.error("could not read back parts of %s: %s", uploaded.staged_key, file.failure)
        uploaded.staging_failed = True


class _HoleFilling(io.FileIO):
    """A file opened for reading whose reads in `hole` are first filled in by `fill`.

    A read that would take the total filled past MAX_READ_BACK returns nothing (detection
    then sees no more) and sets `too_large`.
    """

    def __init__(self, path: str, hole: range, fill: Callable[[range], None]) -> None:
        super().__init__(path, "rb")
        self.hole = hole
        self.fill = fill
        self.filled: list[range] = []
        self.too_large = False
        self.failure: Exception | None = None

    def read(self, size: int | None = -1, /) -> bytes:
        start = self.tell()
        end = os.fstat(self.fileno()).st_size
        stop = end if size is None or size < 0 else min(start + size, end)
        wanted = range(max(start, self.hole.start), min(stop, self.hole.stop))
        for part in _gaps(wanted, self.filled):
            if sum(map(len, self.filled)) + len(part) > MAX_READ_BACK:
                self.too_large = True
                return b""
            try:
                self.fill(part)
            except Exception as error:
                self.failure = error
                raise
            self.filled.append(part)
        return super().read(size)


def _gaps(wanted: range, filled: list[range]) -> list[range]:
    """The parts of `wanted` that no range in `filled` covers."""
    gaps = []
    position = wanted.start
    for done in sorted(filled, key=lambda part: part.start):
        if done.stop <= position or not done:
            continue
        if done.start >= wanted.stop:
            break
        if done.start > position:
            gaps.append(range(position, done.start))
        position = done.stop
    if position < wanted.stop:
        gaps.append(range(position, wanted.stop))
    return gaps


def discard_staged(upload: Any) -> None:
    """Remove the staged copy of an upload that was refused before it was stored."""
    key = getattr(upload, "staged_key", None)
    discard = getattr(storages["blobs"], "discard_staged", None)
    upload.staged_key = None
    if key and discard is not None:
        discard(key)
