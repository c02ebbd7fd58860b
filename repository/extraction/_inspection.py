"""What type detection reads of a file: its head and tail, and counted reads elsewhere.

Detection never scans a file. It reads the first and last bytes, and a few small fields at
offsets that these name (a PE header, a disk image's descriptors, a zip's directory and the
archives inside it). Every byte read outside the head and tail, and every byte inflated, is
counted against an `InspectionBudget`; a file that needs more is refused rather than passed
unread, so the cost of checking an upload is bounded whatever its size.
"""

import os
from typing import IO, BinaryIO, Protocol

HEAD_BYTES = 8 * 1024
# A zip's end record sits in its last 64 KiB (the longest comment) plus the zip64 records.
TAIL_BYTES = 64 * 1024 + 256


class InspectionLimitReached(Exception):
    """The file needs more reading than the budget allows to be vouched for."""


class InspectionBudget:
    """How many more archive entries, archives inside archives and bytes detection may read
    for one file."""

    def __init__(self, *, entries: int, archives: int, byte_count: int) -> None:
        self.entries = entries
        self.archives = archives
        self.byte_count = byte_count

    def take_entries(self, count: int) -> None:
        self.entries -= count
        if self.entries < 0:
            raise InspectionLimitReached

    def take_archive(self) -> None:
        self.archives -= 1
        if self.archives < 0:
            raise InspectionLimitReached

    def take_bytes(self, count: int) -> None:
        self.byte_count -= count
        if self.byte_count < 0:
            raise InspectionLimitReached


class Source(Protocol):
    """Bytes at offsets: a file, a slice of it, or an archive member inflated to disk."""

    size: int

    def read_at(self, offset: int, length: int) -> bytes: ...


class Sample:
    """The uploaded file as detection sees it: head and tail read once, the rest on a budget."""

    def __init__(self, file: BinaryIO, budget: InspectionBudget) -> None:
        self.file = file
        self.budget = budget
        self.size = file.seek(0, os.SEEK_END)
        file.seek(0)
        self.head = file.read(HEAD_BYTES)
        self.tail_start = max(self.size - TAIL_BYTES, 0)
        small = self.size <= HEAD_BYTES
        self.tail = self.head if small else self._read(self.tail_start, self.size - self.tail_start)

    def read_at(self, offset: int, length: int) -> bytes:
        """Up to `length` bytes at `offset`; what lies outside the head and tail is counted."""
        stop = min(offset + max(length, 0), self.size)
        if offset < 0 or offset >= stop:
            return b""
        if stop <= len(self.head):
            return self.head[offset:stop]
        if offset >= self.tail_start:
            return self.tail[offset - self.tail_start : stop - self.tail_start]
        outside = (stop - offset) - _overlap(offset, stop, 0, len(self.head))
        outside -= _overlap(offset, stop, self.tail_start, self.size)
        self.budget.take_bytes(max(outside, 0))
        return self._read(offset, stop - offset)

    def _read(self, offset: int, length: int) -> bytes:
        # One read call per request: a staged upload fills in what it asks for in one go.
        self.file.seek(offset)
        return self.file.read(length)


class Slice:
    """`length` bytes of `source` from `start` (a member stored uncompressed), read in place."""

    def __init__(self, source: Source, start: int, length: int) -> None:
        self.source = source
        self.start = start
        self.size = max(min(length, source.size - start), 0)

    def read_at(self, offset: int, length: int) -> bytes:
        length = min(length, self.size - offset)
        if offset < 0 or length <= 0:
            return b""
        return self.source.read_at(self.start + offset, length)

    def close(self) -> None:
        """Nothing to release: the bytes stay in the source."""


class Spooled:
    """An inflated member in a temporary file; its bytes were counted as they were inflated."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.size = file.seek(0, os.SEEK_END)

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or length <= 0:
            return b""
        self.file.seek(offset)
        return self.file.read(length)

    def close(self) -> None:
        self.file.close()


def _overlap(start: int, stop: int, other_start: int, other_stop: int) -> int:
    return max(min(stop, other_stop) - max(start, other_start), 0)
