"""OpenDocument (.odt, also .ods/.odp): text of content.xml, headers and footers of styles.xml.

Parsed directly (not through odfpy) with the same streaming, DTD-refusing parser as
.docx, so memory stays flat and no entity is ever expanded.
"""

from typing import BinaryIO

from ._errors import ExtractionError
from ._limits import ExtractionLimits
from ._text import TextBudget, TextLimitReached, TextSection, cell_line, join_sections, row_line
from ._xml import NameMemo, parse_stream, prefixed_names
from ._zipguard import open_archive

_key = prefixed_names(
    {
        "urn:oasis:names:tc:opendocument:xmlns:text:1.0": "text",
        "urn:oasis:names:tc:opendocument:xmlns:table:1.0": "table",
        "urn:oasis:names:tc:opendocument:xmlns:office:1.0": "office",
        "urn:oasis:names:tc:opendocument:xmlns:style:1.0": "style",
        "http://purl.org/dc/elements/1.1/": "dc",
    }
)
_TEXT_NAMESPACE = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_PARAGRAPHS = frozenset({"text:p", "text:h"})
_CELLS = frozenset({"table:table-cell", "table:covered-table-cell"})
# Footnote numbers, comment authors/dates and deleted tracked changes are not text
# the reader sees in the document body.
_SKIPPED = frozenset({"text:note-citation", "text:tracked-changes", "dc:creator", "dc:date"})
_CHARACTERS = {"text:tab": "\t", "text:line-break": "\n"}
_HEADER_REGIONS = frozenset({"style:header", "style:header-left", "style:header-first"})
_FOOTER_REGIONS = frozenset({"style:footer", "style:footer-left", "style:footer-first"})
# <text:s text:c="N"/> is N spaces; a hostile N must not become gigabytes of blanks.
_MAX_SPACES = 100


class _OdfText:
    """Parser target collecting paragraphs; in styles.xml only header/footer regions count."""

    def __init__(self, *, body: TextSection | None, header: TextSection | None = None,
                 footer: TextSection | None = None) -> None:  # fmt: skip
        self._sections = {"body": body, "header": header, "footer": footer}
        self._region = "body"
        self._keys = NameMemo(_key)
        self._open: list[str] = []
        self._paragraphs: list[list[str]] = []
        self._containers: list[list[str]] = []  # open table rows (cell texts) and cells (lines)
        self._skip_depth = 0

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        key = self._keys[tag]
        self._open.append(key)
        if key in _SKIPPED:
            self._skip_depth += 1
        if self._skip_depth:
            return
        if key in _HEADER_REGIONS:
            self._region = "header"
        elif key in _FOOTER_REGIONS:
            self._region = "footer"
        elif key in _PARAGRAPHS:
            self._paragraphs.append([])
        elif key == "table:table-row" or key in _CELLS:
            self._containers.append([])
        elif key in _CHARACTERS and self._paragraphs:
            self._paragraphs[-1].append(_CHARACTERS[key])
        elif key == "text:s" and self._paragraphs:
            self._paragraphs[-1].append(" " * _space_count(attrib))

    def end(self, tag: str) -> None:
        key = self._open.pop() if self._open else ""
        if key in _SKIPPED:
            self._skip_depth -= 1
            return
        if self._skip_depth:
            return
        if key in _HEADER_REGIONS or key in _FOOTER_REGIONS:
            self._region = "body"
        elif key in _PARAGRAPHS and self._paragraphs:
            self._emit("".join(self._paragraphs.pop()))
        elif key in _CELLS and self._containers:
            self._emit(cell_line(self._containers.pop()))
        elif key == "table:table-row" and self._containers:
            self._emit(row_line(self._containers.pop()))

    def data(self, data: str) -> None:
        if self._paragraphs and not self._skip_depth:
            self._paragraphs[-1].append(data)

    def close(self) -> None:
        return None

    def _emit(self, text: str) -> None:
        if self._containers:
            self._containers[-1].append(text)
            return
        section = self._sections[self._region]
        if section is not None:
            section.add(text)


def _space_count(attrib: dict[str, str]) -> int:
    try:
        count = int(attrib.get(f"{{{_TEXT_NAMESPACE}}}c", "1"))
    except ValueError:
        return 1
    return max(1, min(count, _MAX_SPACES))


def extract_odf(file: BinaryIO, limits: ExtractionLimits, *, label: str = ".odt") -> str:
    archive = open_archive(file, limits, label=label)
    content = archive.find("content.xml")
    if content is None:
        raise ExtractionError(f"not a valid {label}: no content.xml")
    styles = archive.find("styles.xml")
    budget = TextBudget(limits.max_text_chars)
    headers, body, footers = (TextSection(budget) for _ in range(3))
    try:
        target = _OdfText(body=body)
        parse_stream(archive.iter_member(content), target, part=content, label=label)
        if styles is not None:
            target = _OdfText(body=None, header=headers, footer=footers)
            parse_stream(archive.iter_member(styles), target, part=styles, label=label)
    except TextLimitReached:
        pass
    return join_sections([headers, body, footers], limits.max_text_chars)
