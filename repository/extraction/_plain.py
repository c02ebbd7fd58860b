"""Plain text: telling text from binary, and decoding it without knowing the encoding."""

import codecs
import re
from typing import BinaryIO

from ._limits import ExtractionLimits

# Longest BOMs first: the UTF-32-LE BOM begins with the UTF-16-LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Letters in cp1251 (Cyrillic, incl. Ё/ё and Ukrainian/Belarusian letters) or ASCII.
_WORD = re.compile(rb"[A-Za-z\xa1\xa2\xa5\xa8\xaa\xaf\xb2-\xb4\xb8\xba\xbc-\xbf\xc0-\xff]+")
_GUESS_SAMPLE = 256 * 1024
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\b\x1b")
# UTF-8 and UTF-32 take at most four bytes per character.
_MAX_BYTES_PER_CHAR = 4


def bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def decode_incremental(data: bytes, encoding: str, *, is_complete: bool, errors: str) -> str:
    """Decode `data`; when it is a prefix of a longer file, a cut multibyte tail is dropped."""
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    return decoder.decode(data, final=is_complete)


def guess_legacy_encoding(data: bytes) -> str:
    """cp1251 when high bytes make up whole words (Cyrillic), else cp1252, else latin-1.

    In Western European text, bytes above 0x7F are accents inside otherwise ASCII
    words ("café"); in Russian text in cp1251 they make up entire words. One-letter
    words are not counted because "à"/"é" are common words in French and Portuguese.
    """
    whole = 0
    mixed = 0
    for word in _WORD.findall(data[:_GUESS_SAMPLE]):
        high = sum(1 for byte in word if byte >= 0x80)
        if high == len(word) and high >= 2:
            whole += 1
        elif 0 < high < len(word):
            mixed += 1
    if whole > mixed:
        return "cp1251"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def decode_text(data: bytes, *, is_complete: bool = True) -> str:
    """Decode bytes of unknown encoding: BOM, then UTF-8, then a cp1251/cp1252/latin-1 guess."""
    encoding = bom_encoding(data)
    if encoding is not None:
        return decode_incremental(data, encoding, is_complete=is_complete, errors="replace")
    try:
        return decode_incremental(data, "utf-8", is_complete=is_complete, errors="strict")
    except UnicodeDecodeError:
        pass
    return decode_incremental(
        data, guess_legacy_encoding(data), is_complete=is_complete, errors="replace"
    )


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file read as text in some common encoding."""
    encoding = bom_encoding(head)
    if encoding is not None:
        try:
            decode_incremental(head, encoding, is_complete=False, errors="strict")
        except UnicodeDecodeError:
            return False
        return True
    if b"\x00" in head:
        return False
    try:
        text = decode_incremental(head, "utf-8", is_complete=False, errors="strict")
    except UnicodeDecodeError:
        # Every byte is a character in latin-1, so only C0 controls can betray binary.
        text = head.decode("latin-1")
    controls = sum(
        1 for char in text if (char < " " and char not in _ALLOWED_CONTROLS) or char == "\x7f"
    )
    return controls * 100 <= len(text)


def text_byte_budget(limits: ExtractionLimits) -> int:
    """How many bytes are enough to hold max_text_chars characters in any encoding."""
    return limits.max_text_chars * _MAX_BYTES_PER_CHAR + _MAX_BYTES_PER_CHAR


def extract_plain(file: BinaryIO, limits: ExtractionLimits) -> str:
    budget = text_byte_budget(limits)
    data = file.read(budget + 1)
    is_complete = len(data) <= budget
    return decode_text(data[:budget], is_complete=is_complete)[: limits.max_text_chars]
