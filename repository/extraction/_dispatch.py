"""Choosing the extractor for a MIME type, and the guarantees every extraction gives."""

from collections.abc import Callable
from functools import partial
from typing import BinaryIO

from . import filetypes
from ._docx import extract_docx
from ._errors import ExtractionError
from ._html import extract_html
from ._limits import ExtractionLimits
from ._odf import extract_odf
from ._pdf import extract_pdf
from ._plain import extract_plain
from ._rtf import extract_rtf
from ._sheets import extract_xls, extract_xlsx
from ._slides import extract_pptx

Extractor = Callable[[BinaryIO, ExtractionLimits], str]


def _normalised(mime_type: str) -> str:
    """The bare type, lower-cased: MIME types compare case-insensitively, and several
    registered ones are spelled "macroEnabled"."""
    return mime_type.split(";", 1)[0].strip().lower()


def _by_normalised_type(
    extractors: dict[str, tuple[str, Extractor]],
) -> dict[str, tuple[str, Extractor]]:
    return {_normalised(mime_type): entry for mime_type, entry in extractors.items()}


# MIME type -> (name of the format in error messages, extractor)
_EXTRACTORS = _by_normalised_type(
    {
        filetypes.TEXT_PLAIN: ("text", extract_plain),
        filetypes.TEXT_MARKDOWN: ("text", extract_plain),
        filetypes.TEXT_CSV: ("text", extract_plain),
        filetypes.TEXT_TSV: ("text", extract_plain),
        filetypes.TEXT_HTML: ("HTML", extract_html),
        filetypes.XHTML: ("HTML", extract_html),
        filetypes.PDF: (".pdf", extract_pdf),
        filetypes.DOCX: (".docx", extract_docx),
        filetypes.DOCM: (".docx", extract_docx),  # macros are never run, only text is read
        filetypes.XLSX: (".xlsx", extract_xlsx),
        filetypes.XLSM: (".xlsx", extract_xlsx),
        filetypes.XLS: (".xls", extract_xls),
        filetypes.PPTX: (".pptx", extract_pptx),
        filetypes.PPTM: (".pptx", extract_pptx),  # macros are never run, only text is read
        filetypes.RTF: (".rtf", extract_rtf),
        filetypes.ODT: (".odt", partial(extract_odf, label=".odt")),
        filetypes.ODS: (".ods", partial(extract_odf, label=".ods")),
        filetypes.ODP: (".odp", partial(extract_odf, label=".odp")),
    }
)


def can_extract(mime_type: str) -> bool:
    """Whether extract_text has an extractor for `mime_type` (parameters and case ignored)."""
    return _normalised(mime_type) in _EXTRACTORS


def extract_text(path: str, mime_type: str, limits: ExtractionLimits | None = None) -> str:
    """Plain text of the file at `path`, read as `mime_type` (normally from detect_type).

    Bad input of any kind raises ExtractionError and nothing else: an unsupported type
    ("no text extractor for image/png"), a broken file ("not a valid .docx: ..."), a
    zip bomb ("zip bomb: ...") or XML with a DTD. Only an unreadable `path` itself
    raises OSError. The text is truncated to `limits.max_text_chars` and carries no
    NUL characters or lone surrogates (PostgreSQL text columns reject both).
    """
    limits = limits or ExtractionLimits()
    entry = _EXTRACTORS.get(_normalised(mime_type))
    if entry is None:
        raise ExtractionError(f"no text extractor for {mime_type.strip()}")
    label, extractor = entry
    with open(path, "rb") as file:
        try:
            text = extractor(file, limits)
        except ExtractionError:
            raise
        except Exception as error:  # the promise: bad input never escapes as anything else
            raise ExtractionError(
                f"not a valid {label}: {type(error).__name__}: {error}"
            ) from error
    return _clean(text)[: limits.max_text_chars]


def _clean(text: str) -> str:
    without_nul = text.replace("\x00", "")
    try:
        # Only lone surrogates fail a strict encode; checking costs half the round trip.
        without_nul.encode("utf-8")
    except UnicodeEncodeError:
        return without_nul.encode("utf-8", "replace").decode("utf-8")
    return without_nul
