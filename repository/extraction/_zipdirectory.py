"""A zip's member names as the tools that unpack or run it see them, found from the end.

Java, unzip and Explorer locate a zip by its end-of-central-directory record, searched
backwards from the end of the file, and read the directory just before that record: a zip
behind a prefix (a PDF, a script, an image) is still a zip to them. Tools differ in which
record they take when the tail holds several, so every record whose directory is where it
says is read. Unlike `_zipguard`, which mirrors zipfile for the archives it extracts, this
reader trusts no single tool's choice; it reads names, never inflates a member it is not
asked for, and counts what it reads on the caller's budget.
"""

import struct
import tempfile
import zlib
from typing import IO, NamedTuple

from ._inspection import (
    TAIL_BYTES,
    InspectionBudget,
    InspectionLimitReached,
    Slice,
    Source,
    Spooled,
)

_END = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_LOCAL = struct.Struct("<4s5H3L2H")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_CENTRAL_SIGNATURE = b"PK\x01\x02"
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ZIP64_EXTRA = 0x0001
# Info-ZIP's Unicode Path field: unzip and 7-Zip write the member under this name instead.
_UNICODE_PATH_EXTRA = 0x7075
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_STORED = 0
_DEFLATED = 8
# Honest files hold one end record, a zip with a zip in its comment two; a tail crowded
# with records is built to make readers disagree, and checking each costs reads.
MAX_END_RECORDS = 32
_INFLATE_CHUNK = 1024 * 1024
_SPOOL_IN_MEMORY = 1024 * 1024


class NotInspectable(Exception):
    """A member cannot be read to be checked (encrypted, or an unusual compression)."""


class Member(NamedTuple):  # a tuple: directories of 100,000 entries are read in one go
    """One entry of a central directory; `names` holds every name a tool may write it under."""

    names: tuple[str, ...]
    flags: int
    method: int
    compressed_size: int
    size: int
    header_offset: int  # in the source, a prefix before the archive included

    @property
    def name(self) -> str:
        return self.names[0]

    @property
    def is_directory(self) -> bool:
        return self.name.endswith(("/", "\\"))


def read_directories(source: Source, budget: InspectionBudget) -> list[list[Member]]:
    """The members of each end record in the tail with a directory where it says, last first.

    An empty list means the source is no zip any tool would open.
    """
    tail_start = max(source.size - TAIL_BYTES, 0)
    tail = source.read_at(tail_start, TAIL_BYTES)
    directories = []
    records = 0
    search_end = len(tail)
    while (position := tail.rfind(_END_SIGNATURE, 0, search_end)) >= 0:
        search_end = position + len(_END_SIGNATURE) - 1
        if len(tail) - position < _END.size:
            continue
        records += 1
        if records > MAX_END_RECORDS:
            raise NotInspectable(f"over {MAX_END_RECORDS} end-of-directory records")
        members = _directory(source, tail, tail_start, position, budget)
        if members is not None:
            directories.append(members)
    return directories


def _directory(
    source: Source, tail: bytes, tail_start: int, position: int, budget: InspectionBudget
) -> list[Member] | None:
    fields = _END.unpack_from(tail, position)
    entries, size, offset = fields[4], fields[5], fields[6]
    record_at = tail_start + position
    if entries == 0xFFFF or size == 0xFFFFFFFF or offset == 0xFFFFFFFF:
        zip64 = _zip64_end(source, tail, tail_start, position)
        if zip64 is not None:
            entries, size, offset, record_at = zip64
    # Every tool reads the directory just before its end record; the stored offset only
    # tells how long a prefix the archive has behind it.
    start = record_at - size
    if start < 0:
        return None
    if size == 0:
        return [] if entries == 0 else None
    if source.read_at(start, len(_CENTRAL_SIGNATURE)) != _CENTRAL_SIGNATURE:
        return None
    budget.take_entries(entries)  # an archive claiming too many is refused before reading
    directory = source.read_at(start, size)
    return _members(directory, prefix=start - offset, declared=entries, budget=budget)


def _zip64_end(
    source: Source, tail: bytes, tail_start: int, position: int
) -> tuple[int, int, int, int] | None:
    locator_at = position - _ZIP64_LOCATOR.size
    if locator_at < 0 or tail[locator_at : locator_at + 4] != _ZIP64_LOCATOR_SIGNATURE:
        return None
    stated_at = _ZIP64_LOCATOR.unpack_from(tail, locator_at)[2]
    # zipfile looks just before the locator, Java where the locator says; look at both.
    for record_at in (tail_start + locator_at - _ZIP64_END.size, stated_at):
        record = source.read_at(record_at, _ZIP64_END.size)
        if len(record) == _ZIP64_END.size and record[:4] == _ZIP64_END_SIGNATURE:
            fields = _ZIP64_END.unpack(record)
            return fields[7], fields[8], fields[9], record_at
    return None


def _members(
    directory: bytes, *, prefix: int, declared: int, budget: InspectionBudget
) -> list[Member]:
    """Entries while the directory holds them: a count that understates them hides none."""
    members: list[Member] = []
    position = 0
    while (
        position + _CENTRAL.size <= len(directory)
        and directory[position : position + 4] == _CENTRAL_SIGNATURE
    ):
        fields = _CENTRAL.unpack_from(directory, position)
        flags, method, compressed_size, size = fields[3], fields[4], fields[8], fields[9]
        name_length, extra_length, comment_length = fields[10], fields[11], fields[12]
        header_offset = fields[16]
        name_start = position + _CENTRAL.size
        extra_start = name_start + name_length
        raw_name = directory[name_start:extra_start]
        if raw_name.isascii():  # the usual case, and the same in both encodings
            names: tuple[str, ...] = (raw_name.decode("ascii"),)
        else:
            names = (raw_name.decode("utf-8" if flags & _UTF8_FLAG else "cp437", "replace"),)
        if b"\x00" in raw_name:  # unpackers written in C end the name there
            names += (names[0].partition("\x00")[0],)
        if extra_length:
            extra = directory[extra_start : extra_start + extra_length]
            for field_id, data in _extra_fields(extra):
                if field_id == _UNICODE_PATH_EXTRA and len(data) > 5:
                    names += (data[5:].decode("utf-8", "replace"),)
                elif field_id == _ZIP64_EXTRA:
                    size, compressed_size, header_offset = _zip64_sizes(
                        data, size, compressed_size, header_offset
                    )
        if len(members) >= declared:
            budget.take_entries(1)
        members.append(Member(names, flags, method, compressed_size, size, header_offset + prefix))
        position = extra_start + extra_length + comment_length
    return members


def _extra_fields(extra: bytes) -> list[tuple[int, bytes]]:
    fields = []
    position = 0
    while position + 4 <= len(extra):
        field_id, length = struct.unpack_from("<2H", extra, position)
        fields.append((field_id, extra[position + 4 : position + 4 + length]))
        position += 4 + length
    return fields


def _zip64_sizes(data: bytes, size: int, compressed_size: int, offset: int) -> tuple[int, int, int]:
    """The zip64 field holds, in this order, whichever of the three overflowed 32 bits."""
    values = [size, compressed_size, offset]
    position = 0
    for index, value in enumerate(values):
        if value == 0xFFFFFFFF and position + 8 <= len(data):
            values[index] = struct.unpack_from("<Q", data, position)[0]
            position += 8
    return values[0], values[1], values[2]


def open_member(source: Source, member: Member, budget: InspectionBudget) -> Slice | Spooled | None:
    """The member's bytes as a source: read in place when stored, else inflated to a
    temporary file, each byte counted. None when its data is damaged (no tool unpacks it)."""
    if member.flags & _ENCRYPTED_FLAG:
        raise NotInspectable("encrypted")
    if member.method not in (_STORED, _DEFLATED):
        raise NotInspectable(f"compression method {member.method}")
    start = _data_start(source, member)
    if start is None:
        return None
    if member.method == _STORED:
        return Slice(source, start, member.compressed_size)
    if max(member.size, member.compressed_size) > budget.byte_count:
        raise InspectionLimitReached
    spool = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 (returned)
    if not _inflate(source, start, member.compressed_size, spool, budget):
        spool.close()
        return None
    return Spooled(spool)


def member_head(source: Source, member: Member, length: int) -> bytes:
    """The first `length` bytes of a member, inflating no more than that; b"" if unreadable."""
    start = _data_start(source, member)
    if start is None or member.flags & _ENCRYPTED_FLAG:
        return b""
    raw = source.read_at(start, min(member.compressed_size, _INFLATE_CHUNK))
    if member.method == _STORED:
        return raw[:length]
    if member.method != _DEFLATED:
        return b""
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, length)
    except zlib.error:
        return b""


def _data_start(source: Source, member: Member) -> int | None:
    header = source.read_at(member.header_offset, _LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != _LOCAL_SIGNATURE:
        return None
    fields = _LOCAL.unpack(header)
    return member.header_offset + _LOCAL.size + fields[9] + fields[10]


def _inflate(
    source: Source, start: int, compressed_size: int, spool: IO[bytes], budget: InspectionBudget
) -> bool:
    """Inflate into `spool`; what comes out beyond the compressed bytes read (themselves
    counted by the source) is counted too, so a bomb stops at the budget."""
    decompressor = zlib.decompressobj(-zlib.MAX_WBITS)
    position = start
    stop = start + compressed_size
    produced = 0
    charged = 0
    try:
        while position < stop and not decompressor.eof:
            raw = source.read_at(position, min(_INFLATE_CHUNK, stop - position))
            if not raw:
                return False
            position += len(raw)
            # max_length keeps a bomb's output in bounded steps, never all at once.
            while raw and not decompressor.eof:
                piece = decompressor.decompress(raw, _INFLATE_CHUNK)
                raw = decompressor.unconsumed_tail
                produced += len(piece)
                growth = produced - (position - start)
                if growth > charged:
                    budget.take_bytes(growth - charged)
                    charged = growth
                spool.write(piece)
                if not piece:
                    break
    except zlib.error:
        return False
    return True
