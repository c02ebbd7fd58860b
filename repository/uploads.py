"""Upload handling: every uploaded file goes to a temporary file and is hashed as it arrives.

Large uploads in S3 mode are streamed to the store in parts while they arrive instead
(`repository.staging`), so storing them does not wait for the whole body first. Their temporary
file then holds only the head and the tail of the body, the parts type detection reads (the
file has its full length, the middle is a hole): the bytes are written once, to the store.
Where a zip's central directory reaches into the hole, that part is read back from the
staged object, so detection sees the whole directory, as in the file uploaded whole.
"""

import contextlib
import hashlib
import io
import logging
import os
import zipfile
from collections import deque
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, TemporaryFileUploadHandler

from repository.extraction._zipguard import read_end_record
from repository.extraction.filetypes import MAX_INSPECTED_DIRECTORY_BYTES

logger = logging.getLogger(__name__)

# The most of a zip's central directory read back from the store into the hole. Detection
# reads at most 10,000 entries, some 2 MiB with usual names; an archive needing more is
# refused rather than accepted unread.
MAX_DIRECTORY_READ_BACK = MAX_INSPECTED_DIRECTORY_BYTES  # detection checks no more
# The heads extraction.filetypes takes for a zip; only those files have a directory read.
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


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
    # A staged zip whose central directory is too large to read back: refused, since its
    # members (a Java archive's, say) could not be checked.
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
    # 1 MiB is kept) and a zip's end records in the last 64 KiB; a central directory longer
    # than the tail is completed from the store (`_read_back_zip_directory`).
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
                _read_back_zip_directory(uploaded, hole)
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


def _read_back_zip_directory(uploaded: HashedUploadedFile, hole: range) -> None:
    """Fill in the parts of the hole that type detection reads in a zip, from the store.

    A zip's directory is at its end; past the kept tail it would be lost in the hole, and
    detection would take a Java archive for a plain zip. Rather than locating the directory
    a second way, the readers detection uses (`read_end_record`, zipfile) run on the kept
    bytes and note which bytes of the hole they ask for. What they ask for follows from the
    end records alone, which are in the tail, so one run finds it all, zip64 included.
    """
    with _HoleReads(uploaded.temporary_file_path(), hole) as file:
        if file.read(len(_ZIP_SIGNATURES[0])) not in _ZIP_SIGNATURES:
            return
        read_end_record(file)
        # zipfile fails where it read zeros from the hole; what it asked for is noted.
        with contextlib.suppress(Exception):
            zipfile.ZipFile(file).close()
    if file.too_large:
        uploaded.directory_too_large = True
        return
    storage: Any = storages["blobs"]
    try:
        for part in file.missing:
            uploaded.seek(part.start)
            for chunk in storage.read_staged_range(uploaded.staged_key, part.start, part.stop):
                uploaded.write(chunk)
        uploaded.seek(0)  # flushes: detection opens the file by its path
    except Exception:
        logger.exception("could not read back the zip directory of %s", uploaded.staged_key)
        uploaded.staging_failed = True


class _HoleReads(io.FileIO):
    """A file opened for reading that notes which bytes of `hole` each read asks for.

    A read that would take the total past MAX_DIRECTORY_READ_BACK returns nothing (zipfile
    then gives up) and sets `too_large`: a directory claiming gigabytes is not read here.
    """

    def __init__(self, path: str, hole: range) -> None:
        super().__init__(path, "rb")
        self.hole = hole
        self.missing: list[range] = []
        self.too_large = False

    def read(self, size: int | None = -1, /) -> bytes:
        start = self.tell()
        end = os.fstat(self.fileno()).st_size
        stop = end if size is None or size < 0 else min(start + size, end)
        missing = range(max(start, self.hole.start), min(stop, self.hole.stop))
        if missing:
            if sum(map(len, self.missing)) + len(missing) > MAX_DIRECTORY_READ_BACK:
                self.too_large = True
                return b""
            self.missing.append(missing)
        return super().read(size)


def discard_staged(upload: Any) -> None:
    """Remove the staged copy of an upload that was refused before it was stored."""
    key = getattr(upload, "staged_key", None)
    discard = getattr(storages["blobs"], "discard_staged", None)
    upload.staged_key = None
    if key and discard is not None:
        discard(key)
