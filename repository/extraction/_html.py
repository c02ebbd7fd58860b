"""HTML: visible text only, without scripts and styles, entities decoded."""

import codecs
import re
from html.parser import HTMLParser
from typing import BinaryIO

from ._limits import ExtractionLimits
from ._plain import bom_encoding, guess_legacy_encoding, text_byte_budget
from ._text import TextBudget, TextLimitReached, TextSection, join_sections

_CHUNK = 1024 * 1024
_SNIFF_BYTES = 64 * 1024
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
# Elements whose content is never shown as text.
# <head> is not listed: its only text is <title>, and a missing </head> (legal HTML)
# would otherwise hide the whole body.
_HIDDEN = frozenset({"script", "style", "template", "noscript"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
        "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table",
        "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
    }
)  # fmt: skip


class _VisibleText(HTMLParser):
    def __init__(self, section: TextSection) -> None:
        super().__init__(convert_charrefs=True)
        self._section = section
        self._pieces: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        if tag in _BLOCKS:
            self._break_line()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # Self-closed tags open nothing; only <br/> and <hr/> matter, as line breaks.
        if tag in _BLOCKS:
            self._break_line()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        if tag in _BLOCKS:
            self._break_line()

    def handle_data(self, data: str) -> None:
        if self._hidden_depth == 0:
            self._pieces.append(data)

    def close(self) -> None:
        super().close()
        self._break_line()

    def _break_line(self) -> None:
        if self._pieces:
            line = " ".join("".join(self._pieces).split())
            self._pieces = []
            self._section.add(line)


def _sniff_encoding(head: bytes) -> str:
    """BOM, then <meta charset>, then UTF-8 if the head decodes as such, then a guess."""
    from_bom = bom_encoding(head)
    if from_bom is not None:
        return from_bom
    match = _META_CHARSET.search(head)
    if match is not None:
        try:
            declared = codecs.lookup(match.group(1).decode("ascii")).name
        except LookupError:
            declared = None
        # A meta tag that could be read as ASCII cannot truly be UTF-16/32 (HTML spec rule).
        if declared is not None and not declared.startswith(("utf-16", "utf-32")):
            return declared
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not just a character cut by the sniff window
            return guess_legacy_encoding(head)
    return "utf-8"


def extract_html(file: BinaryIO, limits: ExtractionLimits) -> str:
    budget = TextBudget(limits.max_text_chars)
    section = TextSection(budget)
    parser = _VisibleText(section)
    # Markup is at least as long as its text, so the plain-text byte allowance bounds
    # the input; it also caps HTMLParser's worst case on pathological markup.
    bytes_left = text_byte_budget(limits)
    head = file.read(min(_SNIFF_BYTES, bytes_left))
    encoding = _sniff_encoding(head)
    decoder = codecs.getincrementaldecoder(encoding)("replace")
    chunk = head
    try:
        while chunk:
            bytes_left -= len(chunk)
            parser.feed(decoder.decode(chunk))
            chunk = file.read(min(_CHUNK, bytes_left)) if bytes_left > 0 else b""
        parser.feed(decoder.decode(b"", final=True))
        parser.close()
    except TextLimitReached:
        pass
    return join_sections([section], limits.max_text_chars)
