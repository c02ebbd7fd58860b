"""Opening zip-based documents (.docx, .xlsx, .odt) without trusting their headers.

Order of defence:
1. The end-of-central-directory record is read by hand, so an archive claiming
   millions of entries is refused before zipfile builds a ZipInfo for each.
2. The central directory's declared sizes are checked: total uncompressed size,
   per-member and overall compression ratio, encryption, compression method.
3. Every read inflates through a byte budget: a member that produces more bytes than
   its header declared is a lying header, refused as a zip bomb at the first excess
   chunk, and the archive as a whole can never inflate past the total limit.
4. `verify_members` does that budgeted read over every member up front (and checks
   XML prologs for DTDs) for formats handed to a third-party library afterwards.
"""

import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ._errors import ExtractionError
from ._limits import MIB, ExtractionLimits
from ._xml import PrologChecker

_END_RECORD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
_ZIP64_END_SIGNATURE = b"PK\x06\x06"
_LOCAL_SIGNATURE = b"PK\x03\x04"
_MAX_COMMENT = 0xFFFF
_CHUNK = 64 * 1024
# Ratios are judged only above this size: a few KB of repetitive XML can legitimately
# compress 200:1, and a small member cannot exhaust anything whatever its ratio.
_RATIO_FLOOR = 1 * MIB
# Real central-directory records take ~100-200 bytes (46 fixed + name + extras); the
# allowance bounds how much zipfile parses when the entry count in the end record lies.
_CENTRAL_DIRECTORY_BYTES_PER_ENTRY = 1024
_SNIFF_BYTES = 512
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_ENCRYPTED_FLAG = 0x1


@dataclass(frozen=True)
class EndRecord:
    """What the end-of-central-directory record claims about the archive."""

    entry_count: int
    central_directory_size: int


def read_end_record(file: BinaryIO) -> EndRecord | None:
    """The archive's end record (zip64-aware), or None when the file is not a zip."""
    size = file.seek(0, os.SEEK_END)
    if size < _END_RECORD.size:
        return None
    tail_length = min(size, _END_RECORD.size + _MAX_COMMENT + _ZIP64_LOCATOR.size)
    file.seek(size - tail_length)
    tail = file.read(tail_length)
    # Same search order as zipfile: a record without comment first, then the last
    # signature in the tail, so both agree on which record is the real one.
    position = len(tail) - _END_RECORD.size
    if tail[position : position + 4] != _END_SIGNATURE:
        position = tail.rfind(_END_SIGNATURE)
        if position < 0 or len(tail) - position < _END_RECORD.size:
            return None
    fields = _END_RECORD.unpack_from(tail, position)
    entry_count, directory_size, directory_offset = fields[4], fields[5], fields[6]
    if entry_count == 0xFFFF or directory_size == 0xFFFFFFFF or directory_offset == 0xFFFFFFFF:
        zip64 = _read_zip64_end_record(file, tail, position)
        if zip64 is not None:
            return zip64
    return EndRecord(entry_count=entry_count, central_directory_size=directory_size)


def _read_zip64_end_record(file: BinaryIO, tail: bytes, end_position: int) -> EndRecord | None:
    locator_position = end_position - _ZIP64_LOCATOR.size
    if locator_position < 0:
        return None
    locator = _ZIP64_LOCATOR.unpack_from(tail, locator_position)
    if locator[0] != _ZIP64_LOCATOR_SIGNATURE:
        return None
    file.seek(locator[2])
    record = file.read(_ZIP64_END_RECORD.size)
    if len(record) < _ZIP64_END_RECORD.size or record[:4] != _ZIP64_END_SIGNATURE:
        return None
    fields = _ZIP64_END_RECORD.unpack(record)
    return EndRecord(entry_count=fields[7], central_directory_size=fields[8])


def open_archive(file: BinaryIO, limits: ExtractionLimits, *, label: str) -> "GuardedArchive":
    """Check the archive's declarations against `limits` and return a budgeted reader.

    `label` names the format in error messages ("not a valid .docx: ...").
    """
    end = read_end_record(file)
    if end is None:
        raise ExtractionError(f"not a valid {label}: not a zip archive")
    _check_entry_count(end.entry_count, limits)
    if end.central_directory_size > limits.max_zip_entries * _CENTRAL_DIRECTORY_BYTES_PER_ENTRY:
        raise ExtractionError(
            f"zip bomb: central directory of {end.central_directory_size} bytes "
            f"is too large for {limits.max_zip_entries} entries"
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
    except Exception as error:  # zipfile raises many types on garbage; all mean "broken"
        raise ExtractionError(f"not a valid {label}: {error}") from error
    _check_entry_count(len(infos), limits)
    _check_declarations(infos, limits, label)
    return GuardedArchive(file, infos, limits, label=label)


def _check_entry_count(count: int, limits: ExtractionLimits) -> None:
    if count > limits.max_zip_entries:
        raise ExtractionError(
            f"zip bomb: {count} entries exceed the limit of {limits.max_zip_entries}"
        )


def _check_declarations(infos: list[zipfile.ZipInfo], limits: ExtractionLimits, label: str) -> None:
    total_uncompressed = 0
    total_compressed = 0
    for info in infos:
        name = info.filename
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise ExtractionError(f"not a valid {label}: member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ExtractionError(
                f"not a valid {label}: member {name!r} uses unsupported "
                f"compression method {info.compress_type}"
            )
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise ExtractionError(f"not a valid {label}: stored member {name!r} has two sizes")
        _check_ratio(f"member {name!r}", info.file_size, info.compress_size, limits)
        total_uncompressed += info.file_size
        total_compressed += info.compress_size
        if total_uncompressed > limits.max_total_uncompressed:
            raise ExtractionError(
                f"zip bomb: members declare more than {limits.max_total_uncompressed} bytes "
                f"uncompressed (limit {limits.max_total_uncompressed})"
            )
    _check_ratio("archive", total_uncompressed, total_compressed, limits)


def _check_ratio(what: str, uncompressed: int, compressed: int, limits: ExtractionLimits) -> None:
    if uncompressed <= _RATIO_FLOOR:
        return
    ratio = uncompressed / max(compressed, 1)
    if ratio > limits.max_compression_ratio:
        raise ExtractionError(
            f"zip bomb: {what} compresses {ratio:.0f}:1, "
            f"over the limit of {limits.max_compression_ratio}:1"
        )


class GuardedArchive:
    """Reads members of an archive whose declarations passed the checks, on a byte budget."""

    def __init__(
        self,
        file: BinaryIO,
        infos: list[zipfile.ZipInfo],
        limits: ExtractionLimits,
        *,
        label: str,
    ) -> None:
        self._file = file
        self._infos = infos
        self._limits = limits
        self._label = label
        # Later duplicates win, as in zipfile, so we read what a library would read.
        self._by_name = {info.filename: info for info in infos}
        self._by_folded_name = {name.casefold(): name for name in self._by_name}
        self._inflated = 0

    @property
    def names(self) -> list[str]:
        return list(self._by_name)

    def find(self, name: str) -> str | None:
        """The member called `name`; OPC part names are case-insensitive, so fall back."""
        if name in self._by_name:
            return name
        return self._by_folded_name.get(name.casefold())

    def iter_member(self, name: str) -> Iterator[bytes]:
        """The member's uncompressed bytes in chunks, never more than its header declared."""
        return self._inflate(self._by_name[name])

    def read_member(self, name: str) -> bytes:
        return b"".join(self.iter_member(name))

    def verify_members(self, *, check_xml_prologs: bool) -> None:
        """Inflate every member on the budget, checking sizes, CRCs and overlaps.

        With `check_xml_prologs`, every member that is (or looks like) XML must also
        parse up to its root element without a DTD: the library that opens the file
        next may use lxml, which we do not trust with entity declarations.
        """
        previous_end = 0
        previous_name = ""
        for info in sorted(self._infos, key=lambda item: item.header_offset):
            # Overlapping members are how "better zip bombs" reuse one compressed
            # kernel for many entries; honest archives never share bytes.
            if info.header_offset < previous_end:
                raise ExtractionError(
                    f"zip bomb: members {previous_name!r} and {info.filename!r} overlap"
                )
            previous_end = self._data_offset(info) + info.compress_size
            previous_name = info.filename
            chunks = self._inflate(info)
            if check_xml_prologs:
                self._check_prolog(info.filename, chunks)
            else:
                for _chunk in chunks:
                    pass

    def _check_prolog(self, name: str, chunks: Iterator[bytes]) -> None:
        head = b""
        checker: PrologChecker | None = None
        for chunk in chunks:
            if checker is not None:
                checker.feed(chunk)
                continue
            head += chunk
            if len(head) >= _SNIFF_BYTES:
                checker = self._start_checker(name, head)
                head = b""
        if checker is None:
            checker = self._start_checker(name, head)
        if checker is not None:
            checker.finish()

    def _start_checker(self, name: str, head: bytes) -> PrologChecker | None:
        if not (name.lower().endswith(_XML_SUFFIXES) or _looks_like_xml(head)):
            return None
        checker = PrologChecker(part=name, label=self._label)
        checker.feed(head)
        return checker

    def _data_offset(self, info: zipfile.ZipInfo) -> int:
        self._file.seek(info.header_offset)
        header = self._file.read(_LOCAL_HEADER.size)
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            raise ExtractionError(
                f"not a valid {self._label}: bad local header for member {info.filename!r}"
            )
        fields = _LOCAL_HEADER.unpack(header)
        name_length, extra_length = fields[10], fields[11]
        return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length

    def _inflate(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        name = info.filename
        position = self._data_offset(info)
        compressed_left = info.compress_size
        decompressor = (
            zlib.decompressobj(-zlib.MAX_WBITS)
            if info.compress_type == zipfile.ZIP_DEFLATED
            else None
        )
        produced = 0
        crc = 0
        if compressed_left == 0 and info.file_size == 0:
            # Some writers store an empty deflated member with no deflate stream at all.
            return
        while compressed_left > 0:
            # Seek every time: callers may interleave reads of several members.
            self._file.seek(position)
            raw = self._file.read(min(_CHUNK, compressed_left))
            if not raw:
                raise ExtractionError(f"not a valid {self._label}: member {name!r} is truncated")
            position += len(raw)
            compressed_left -= len(raw)
            for piece in _decompress(decompressor, raw):
                produced += len(piece)
                self._inflated += len(piece)
                if produced > info.file_size:
                    raise ExtractionError(
                        f"zip bomb: member {name!r} inflates past its declared size "
                        f"of {info.file_size} bytes"
                    )
                if self._inflated > self._limits.max_total_uncompressed:
                    limit = self._limits.max_total_uncompressed
                    raise ExtractionError(f"zip bomb: archive inflates past {limit} bytes")
                crc = zlib.crc32(piece, crc)
                yield piece
            if decompressor is not None and decompressor.eof:
                break
        if decompressor is not None and not decompressor.eof:
            raise ExtractionError(
                f"not a valid {self._label}: compressed data of member {name!r} is incomplete"
            )
        if produced != info.file_size:
            raise ExtractionError(
                f"not a valid {self._label}: member {name!r} is shorter than its header says"
            )
        if crc != info.CRC:
            raise ExtractionError(f"not a valid {self._label}: member {name!r} fails its CRC check")


def _decompress(decompressor: "zlib._Decompress | None", raw: bytes) -> Iterator[bytes]:
    """Output of one compressed chunk in pieces of at most _CHUNK bytes.

    max_length keeps a single highly compressed chunk from materialising at once; the
    loop continues while output comes out full, since zlib may still hold more.
    """
    if decompressor is None:
        yield raw
        return
    pending = raw
    while True:
        piece = decompressor.decompress(pending, _CHUNK)
        pending = decompressor.unconsumed_tail
        if piece:
            yield piece
        if decompressor.eof or (not pending and len(piece) < _CHUNK):
            return


def _looks_like_xml(head: bytes) -> bool:
    for bom, encoding in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, "ignore").lstrip().startswith("<")
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return stripped.startswith((b"<", b"\x00<"))
