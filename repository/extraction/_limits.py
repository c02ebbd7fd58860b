"""Resource limits applied while opening untrusted files."""

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class ExtractionLimits:
    """Caps that keep a hostile file from exhausting memory or time.

    The zip limits apply to every zip-based format (.docx, .xlsx, .odt, .pptx) before
    any member is parsed; the text cap truncates the result; PDF pages past the page cap
    are not read, nor RTF bytes past the RTF cap (embedded pictures make RTF files big);
    an .xls larger than the .xls cap is refused, since xlrd holds its workbook in memory.
    """

    max_zip_entries: int = 10_000
    max_total_uncompressed: int = 512 * MIB
    max_compression_ratio: int = 100
    max_text_chars: int = 10_000_000
    max_pdf_pages: int = 5_000
    max_rtf_bytes: int = 64 * MIB
    max_xls_bytes: int = 128 * MIB
