"""Paragraphs and tables of an Office Open XML part, as lines: shared by .docx and .pptx.

WordprocessingML (`w:`) and DrawingML (`a:`, the text of slides) have the same shape: text in
`t` elements inside paragraphs `p`, tables of rows `tr` of cells `tc`. A paragraph becomes a
line, a cell and a row one line each (see `cell_line` and `row_line`).
"""

from collections.abc import Callable

from ._text import TextSection, cell_line, row_line
from ._xml import NameMemo


class ParagraphText:
    """Parser target for `parse_stream`. `key(tag)` names a tag ("w:p", "a:t", or "" for
    elements of no interest); elements keyed in `skipped` are left out with all they hold.
    Subclasses handle other elements in `other_start`."""

    def __init__(
        self,
        section: TextSection,
        *,
        prefix: str,
        key: Callable[[str], str],
        skipped: frozenset[str],
    ) -> None:
        self._section = section
        self._keys = NameMemo(key)
        self._skipped = skipped
        self._paragraph, self._text = f"{prefix}:p", f"{prefix}:t"
        self._table_parts = (f"{prefix}:tr", f"{prefix}:tc")
        self._open: list[str] = []  # keys of the open elements
        self._paragraphs: list[list[str]] = []  # text pieces of open (possibly nested) paragraphs
        self._containers: list[list[str]] = []  # open table rows (cell texts) and cells (lines)
        self._skip_depth = 0
        self._text_depth = 0

    def key_of(self, tag: str, attrib: dict[str, str]) -> str:
        return self._keys[tag]

    def other_start(self, key: str, parent: str, attrib: dict[str, str]) -> None:
        return None

    def add_to_paragraph(self, text: str) -> None:
        if self._paragraphs:
            self._paragraphs[-1].append(text)

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        key = self.key_of(tag, attrib)
        parent = self._open[-1] if self._open else ""
        self._open.append(key)
        if key in self._skipped:
            self._skip_depth += 1
        if self._skip_depth:
            return
        if key == self._paragraph:
            self._paragraphs.append([])
        elif key == self._text:
            self._text_depth += 1
        elif key in self._table_parts:
            self._containers.append([])
        else:
            self.other_start(key, parent, attrib)

    def end(self, tag: str) -> None:
        key = self._open.pop() if self._open else ""
        if key in self._skipped:
            self._skip_depth -= 1
            return
        if self._skip_depth:
            return
        if key == self._text:
            self._text_depth -= 1
        elif key == self._paragraph and self._paragraphs:
            self._emit("".join(self._paragraphs.pop()))
        elif key == self._table_parts[1] and self._containers:
            self._emit(cell_line(self._containers.pop()))
        elif key == self._table_parts[0] and self._containers:
            self._emit(row_line(self._containers.pop()))

    def data(self, data: str) -> None:
        if self._text_depth and not self._skip_depth and self._paragraphs:
            self._paragraphs[-1].append(data)

    def close(self) -> None:
        return None

    def _emit(self, text: str) -> None:
        if self._containers:
            self._containers[-1].append(text)
        else:
            self._section.add(text)
