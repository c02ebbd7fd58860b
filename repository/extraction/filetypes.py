"""Content-based file type detection.

The type comes from the bytes: magic signatures, and for zip files the names of their
members. The file name is consulted only where bytes cannot tell (which kind of plain
text, which legacy OLE2 Office format) and to refuse the names programs go by.
"""

from typing import BinaryIO

import puremagic

from ._errors import ForbiddenFileType, UninspectableArchive
from ._executables import (
    EXECUTABLE_MIME_TYPES,
    ArchivedProgram,
    executable_kind,
    program_in_directories,
)
from ._inspection import InspectionBudget, InspectionLimitReached, Sample
from ._launchers import launcher_kind
from ._limits import MIB
from ._plain import bom_encoding, decode_incremental, looks_like_text
from ._program_names import PROGRAM_EXTENSIONS, extension_of
from ._zipdirectory import Member, NotInspectable, member_head, read_directories

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

# A zip's members, and those of the zips inside it, are checked for programs up to these
# sizes: entries, zips opened inside, and bytes read beyond the head and tail or inflated.
# More is refused (a staged upload has no more read back: MAX_INSPECTED_BYTES).
MAX_INSPECTED_ENTRIES = 100_000
MAX_INSPECTED_ARCHIVES = 1_000
MAX_INSPECTED_BYTES = 64 * MIB
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

    Raises ForbiddenFileType for programs whatever their name: executables (ELF, PE/MZ,
    Mach-O, Java class, #! scripts, DEX), installers (.msi), disk images (.iso, .vhd), compiled
    help, text launchers (.url, .inf, scriptlets, .jnlp...), and zips holding any of these or
    a program name, or being a package (.jar, .apk, .msix); also for names programs go by,
    whatever the content. Raises UninspectableArchive for a zip too large to check. Reads the
    head and tail, and within MAX_INSPECTED_BYTES the zip directories; never the whole file.
    """
    with open(path, "rb") as file:
        return detect_file_type(file, filename)


def detect_file_type(file: BinaryIO, filename: str) -> str:
    """`detect_type` for a file open for reading; it is only read through seek and read."""
    budget = InspectionBudget(
        entries=MAX_INSPECTED_ENTRIES,
        archives=MAX_INSPECTED_ARCHIVES,
        byte_count=MAX_INSPECTED_BYTES,
    )
    extension = extension_of(filename)
    try:
        sample = Sample(file, budget)
        _refuse_programs(sample, filename, extension)
        # Any zip a tool finds from the end, behind a prefix or not, is checked for programs.
        directories = read_directories(sample, budget)
        found = program_in_directories(sample, directories, budget)
    except InspectionLimitReached as error:
        raise uninspectable_archive(filename) from error
    except NotInspectable as error:
        raise uninspectable_archive(filename, reason=str(error)) from error
    if found is not None:
        raise _archived(filename, found)
    head = sample.head
    mime_type = _signature_type(head)
    if mime_type == ZIP:
        return _zip_type(sample, directories[0] if directories else None)
    if mime_type == OLE_STORAGE:
        return _OLE_BY_EXTENSION.get(extension, OLE_STORAGE)
    if mime_type is not None:
        return mime_type
    if looks_like_text(head):
        return _text_type(head, extension)
    return _binary_type(head, filename)


def uninspectable_archive(filename: str, *, reason: str = "") -> UninspectableArchive:
    why = reason or (
        f"over {MAX_INSPECTED_ENTRIES} entries, {MAX_INSPECTED_ARCHIVES} zips inside or "
        f"{MAX_INSPECTED_BYTES // MIB} MiB to read"
    )
    return UninspectableArchive(
        f"“{filename}” is a zip archive that cannot be checked for programs ({why}); "
        "such archives are not accepted",
        kind="uninspectable archive",
    )


def _refuse_programs(sample: Sample, filename: str, extension: str) -> None:
    kind = executable_kind(sample)
    if kind is not None:
        raise _forbidden(filename, kind)
    if extension in PROGRAM_EXTENSIONS:
        raise ForbiddenFileType(
            f"“{filename}”: files ending in {extension} can run programs and are not accepted",
            kind=f"{extension} file",
        )
    kind = launcher_kind(sample.head) if looks_like_text(sample.head) else None
    if kind is not None:
        raise _forbidden(filename, kind)


def _forbidden(filename: str, kind: str) -> ForbiddenFileType:
    return ForbiddenFileType(
        f"“{filename}” is a program ({kind}), not a document; executable files are not accepted",
        kind=kind,
    )


def _archived(filename: str, found: ArchivedProgram) -> ForbiddenFileType:
    if not found.path:
        return _forbidden(filename, found.kind)
    return ForbiddenFileType(
        f"“{filename}” holds “{found.path}”, a program ({found.kind}); archives holding "
        "programs are not accepted",
        kind=found.kind,
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


def _zip_type(sample: Sample, members: list[Member] | None) -> str:
    """The type of a zip from the directory tools take (the last in the file); a zip whose
    directory no tool finds is still a zip."""
    if members is None:
        return ZIP
    by_name = {member.name: member for member in members}
    declared = _odf_mimetype(sample, by_name["mimetype"]) if "mimetype" in by_name else None
    if declared is not None and (
        declared.startswith("application/vnd.oasis.opendocument.")
        or declared == "application/epub+zip"
    ):
        return declared
    if "[Content_Types].xml" in by_name:
        lowered = [name.lower() for name in by_name]
        has_macros = any(name.endswith("vbaproject.bin") for name in lowered)
        for folder, plain_type, macro_type in _OFFICE_FOLDERS:
            if any(name.startswith(folder) for name in lowered):
                return macro_type if has_macros else plain_type
    return ZIP


def _odf_mimetype(sample: Sample, member: Member) -> str | None:
    # Bounded read: no more is inflated than requested, whatever the member claims.
    data = member_head(sample, member, _MIMETYPE_MEMBER_BYTES)
    try:
        return data.decode("ascii").strip() or None
    except UnicodeDecodeError:
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
