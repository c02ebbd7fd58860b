"""PDF text through pypdf, page by page, up to the page cap."""

from typing import BinaryIO

from pypdf import PasswordType, PdfReader

from ._errors import ExtractionError
from ._limits import ExtractionLimits
from ._text import TextBudget, TextLimitReached, TextSection, join_sections

LABEL = ".pdf"


def _open(file: BinaryIO) -> PdfReader:
    try:
        reader = PdfReader(file, strict=False)
        is_encrypted = reader.is_encrypted
    except Exception as error:  # pypdf raises many types (and RecursionError) on bad input
        raise ExtractionError(f"not a valid {LABEL}: {error}") from error
    if is_encrypted:
        try:
            # Many PDFs are "encrypted" only to set permissions, with an empty user password.
            result = reader.decrypt("")
        except Exception as error:
            raise ExtractionError(f"encrypted {LABEL} cannot be opened: {error}") from error
        if result == PasswordType.NOT_DECRYPTED:
            raise ExtractionError(f"encrypted {LABEL} needs a password")
    return reader


def extract_pdf(file: BinaryIO, limits: ExtractionLimits) -> str:
    reader = _open(file)
    try:
        page_count = len(reader.pages)
    except Exception as error:
        raise ExtractionError(f"not a valid {LABEL}: {error}") from error
    if page_count == 0:
        raise ExtractionError(f"not a valid {LABEL}: no pages")
    section = TextSection(TextBudget(limits.max_text_chars))
    pages_read = 0
    last_error: Exception | None = None
    try:
        for index in range(min(page_count, limits.max_pdf_pages)):
            try:
                text = reader.pages[index].extract_text()
            except Exception as error:
                # One damaged page should not cost the text of all the others.
                last_error = error
                continue
            pages_read += 1
            for line in text.splitlines():
                section.add(line)
    except TextLimitReached:
        pass
    if pages_read == 0 and last_error is not None:
        raise ExtractionError(f"not a valid {LABEL}: {last_error}") from last_error
    return join_sections([section], limits.max_text_chars)
