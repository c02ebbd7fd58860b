"""Collecting extracted text under a character budget."""

from collections.abc import Iterable


class TextLimitReached(Exception):
    """Enough text is collected; extractors stop reading and keep what they have.

    A control-flow signal, never raised out of the package.
    """


class TextBudget:
    """Characters still allowed, shared by every section of one extraction."""

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self._used = 0

    def spend(self, count: int) -> None:
        self._used += count
        if self._used >= self.max_chars:
            raise TextLimitReached

    @property
    def is_exhausted(self) -> bool:
        return self._used >= self.max_chars


class TextSection:
    """Lines of one part of a document (body, headers, one sheet...), charged to a budget."""

    def __init__(self, budget: TextBudget) -> None:
        self._budget = budget
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        """Keep a non-blank line; raises TextLimitReached once the budget is used up."""
        if not line.strip():
            return
        self.lines.append(line)
        self._budget.spend(len(line) + 1)


def cell_line(lines: Iterable[str]) -> str:
    """A table cell as one line: its non-blank lines joined with spaces."""
    return " ".join(line for line in lines if line.strip())


def row_line(cells: Iterable[str]) -> str:
    """A table row as one line: its non-blank cells joined with tabs."""
    return "\t".join(cell for cell in cells if cell.strip())


def join_sections(sections: Iterable[TextSection], max_chars: int) -> str:
    lines = [line for section in sections for line in section.lines]
    return "\n".join(lines)[:max_chars]
