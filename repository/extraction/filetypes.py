"""Content-based file type detection.

The type comes from the bytes: magic signatures, and for zip files the names of their
members. The file name is consulted only where bytes cannot tell (which kind of plain
text, which legacy OLE2 Office format) and to refuse executable suffixes.
"""

import contextlib
import os
import zipfile
from typing import BinaryIO

import puremagic

from ._errors import ForbiddenFileType, UninspectableArchive
from ._executables import (
    EXECUTABLE_MIME_TYPES,
    FORBIDDEN_EXTENSIONS,
    archive_executable_kind,
    executable_kind,
)
from ._limits import MIB
from ._plain import bom_encoding, decode_incremental, looks_like_text
from ._zipguard import read_end_record

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
XLS = "application/vnd.ms-excel"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PPTM = "application/vnd.ms-powerpoint.presentation.macroEnabled.12"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
PDF = "application/pdf"
RTF = "application/rtf"
ZIP = "application/zip"
OLE_STORAGE = "application/x-ole-storage"
TEXT_PLAIN = "text/plain"
TEXT_MARKDOWN = "text/markdown"
TEXT_CSV = "text/csv"
TEXT_TSV = "text/tab-separated-values"
TEXT_HTML = "text/html"
XHTML = "application/xhtml+xml"
XML = "application/xml"
JSON = "application/json"
SVG = "image/svg+xml"
OCTET_STREAM = "application/octet-stream"

_HEAD_BYTES = 8 * 1024
# A zip's member names are checked for programs up to these sizes; a larger directory is refused
# (the upload handler reads as much back for a staged upload: MAX_INSPECTED_DIRECTORY_BYTES).
MAX_INSPECTED_ENTRIES = 100_000
MAX_INSPECTED_DIRECTORY_BYTES = 64 * MIB
_PDF_HEADER_WINDOW = 1024  # readers accept junk before %PDF- within the first KB
_MIMETYPE_MEMBER_BYTES = 256
# Below this many matched bytes a puremagic hit on arbitrary binary is mostly chance.
_MIN_PUREMAGIC_MATCH = 4

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),
    (b"PK\x07\x08", ZIP),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE_STORAGE),
    (b"\x1f\x8b\x08", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"{\\rtf", RTF),
    (b"%!PS", "application/postscript"),
    (b"OggS", "audio/ogg"),
    (b"fLaC", "audio/flac"),
)
_RIFF_FORMS = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}
_OLE_BY_EXTENSION = {
    ".doc": "application/msword",
    ".dot": "application/msword",
    ".xls": XLS,
    ".xlt": XLS,
    ".ppt": "application/vnd.ms-powerpoint",
    ".msg": "application/vnd.ms-outlook",
}
_TEXT_BY_EXTENSION = {
    ".txt": TEXT_PLAIN,
    ".text": TEXT_PLAIN,
    ".log": TEXT_PLAIN,
    ".md": TEXT_MARKDOWN,
    ".markdown": TEXT_MARKDOWN,
    ".csv": TEXT_CSV,
    ".tsv": TEXT_TSV,
    ".html": TEXT_HTML,
    ".htm": TEXT_HTML,
    ".json": JSON,
    ".xml": XML,
}
_OFFICE_FOLDERS = (("word/", DOCX, DOCM), ("xl/", XLSX, XLSM), ("ppt/", PPTX, PPTM))


def detect_type(path: str, filename: str) -> str:
    """The MIME type of the file at `path`, judged by its content.

    Raises ForbiddenFileType for executables (ELF, PE/MZ, Mach-O, Java class, #!
    scripts, Windows shortcuts, Android DEX, .jar/.apk/.appx packages) whatever their
    name, and for names with an executable suffix whatever their content. Reads the
    first 8 KB, plus the central directory of zip files; never the whole file.
    """
    extension = os.path.splitext(filename)[1].lower()
    with open(path, "rb") as file:
        head = file.read(_HEAD_BYTES)
        kind = executable_kind(head)
        if kind is not None:
            raise _forbidden(filename, kind)
        if extension in FORBIDDEN_EXTENSIONS:
            raise ForbiddenFileType(
                f"“{filename}”: files ending in {extension} can run programs and are not accepted",
                kind=f"{extension} file",
            )
        mime_type = _signature_type(head)
        if mime_type == ZIP:
            return _zip_type(file, filename)
        if mime_type == OLE_STORAGE:
            return _OLE_BY_EXTENSION.get(extension, OLE_STORAGE)
        if mime_type is not None:
            return mime_type
    if looks_like_text(head):
        return _text_type(head, extension)
    return _binary_type(head, filename)


def _forbidden(filename: str, kind: str) -> ForbiddenFileType:
    return ForbiddenFileType(
        f"“{filename}” is a program ({kind}), not a document; executable files are not accepted",
        kind=kind,
    )


def _signature_type(head: bytes) -> str | None:
    if b"%PDF-" in head[:_PDF_HEADER_WINDOW]:
        return PDF
    for signature, mime_type in _SIGNATURES:
        if head.startswith(signature):
            return mime_type
    if head.startswith(b"RIFF"):
        return _RIFF_FORMS.get(head[8:12])
    # "BM" alone is too weak (text starts with it); a bitmap's reserved word is zero.
    if head.startswith(b"BM") and head[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp"
    return None


def _zip_type(file: BinaryIO, filename: str) -> str:
    names = _zip_member_names(file, filename)
    if names is None:
        return ZIP
    kind = archive_executable_kind(names)
    if kind is not None:
        raise _forbidden(filename, kind)
    declared = _odf_mimetype(file) if "mimetype" in names else None
    if declared is not None and (
        declared.startswith("application/vnd.oasis.opendocument.")
        or declared == "application/epub+zip"
    ):
        return declared
    if "[Content_Types].xml" in names:
        lowered = [name.lower() for name in names]
        has_macros = any(name.endswith("vbaproject.bin") for name in lowered)
        for folder, plain_type, macro_type in _OFFICE_FOLDERS:
            if any(name.startswith(folder) for name in lowered):
                return macro_type if has_macros else plain_type
    return ZIP


def _zip_member_names(file: BinaryIO, filename: str) -> list[str] | None:
    """Member names from the central directory, or None when it is damaged. A directory too
    large to check (it could hide a program) is refused: UninspectableArchive."""
    end = read_end_record(file)
    if end is None:
        return None
    if (
        end.entry_count > MAX_INSPECTED_ENTRIES
        or end.central_directory_size > MAX_INSPECTED_DIRECTORY_BYTES
    ):
        raise UninspectableArchive(
            f"“{filename}” is a zip archive whose directory is too large to check for programs "
            f"(over {MAX_INSPECTED_ENTRIES} entries or {MAX_INSPECTED_DIRECTORY_BYTES // MIB} "
            "MiB); such archives are not accepted",
            kind="uninspectable archive",
        )
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except Exception:  # a damaged zip is still a zip; zipfile raises many types for that
        return None


def _odf_mimetype(file: BinaryIO) -> str | None:
    file.seek(0)
    # Bounded read: zipfile inflates no more than requested, whatever the member claims.
    with (
        contextlib.suppress(Exception),
        zipfile.ZipFile(file) as archive,
        archive.open("mimetype") as member,
    ):
        return member.read(_MIMETYPE_MEMBER_BYTES).decode("ascii").strip()
    return None


def _text_type(head: bytes, extension: str) -> str:
    by_name = _TEXT_BY_EXTENSION.get(extension)
    if by_name is not None:
        return by_name
    encoding = bom_encoding(head) or "utf-8"
    start = decode_incremental(head[:1024], encoding, is_complete=False, errors="replace")
    start = start.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        return TEXT_HTML
    if start.startswith(("<?xml", "<svg", "<!doctype svg")):
        return SVG if "<svg" in start else XML
    return TEXT_PLAIN


def _binary_type(head: bytes, filename: str) -> str:
    if not head:
        return OCTET_STREAM
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return OCTET_STREAM
    for match in matches:
        if len(match.byte_match) < _MIN_PUREMAGIC_MATCH or not match.mime_type:
            continue
        if match.mime_type in EXECUTABLE_MIME_TYPES:
            raise _forbidden(filename, match.name or match.mime_type)
        return str(match.mime_type)
    return OCTET_STREAM
