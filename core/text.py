"""Text no database, index or response can hold: NUL characters and unpaired surrogates.

PostgreSQL refuses both in text and jsonb; SQLite stores what no JSON response can then
encode; the search engines reject them. Input holding them is refused (400 `invalid_text`,
naming the field) where it enters and again in the services that write it; text read from
files is data, not input, and has them replaced instead (`repository.extraction`).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from core.errors import Invalid

# A paired surrogate never survives decoding into a Python str (it becomes one code point), so
# any code point in the surrogate block is unpaired.
_INVALID = re.compile(r"[\x00\ud800-\udfff]")
# Deeper JSON is refused: Python's decoder, encoder and anything walking the value recursively
# stop near 1,000 levels, so a deeply nested value stored once breaks every later read of it.
MAX_NESTING = 64
# A field's pattern for "more than white space", read alike by Python and by the JSON Schema's
# ECMAScript regex: DRF trims what `str.strip` calls white space, which includes the separators
# \x1c-\x1f and \x85 that ECMAScript's `\S` matches; so the pattern excludes them by name.
NOT_BLANK = r"[^\s\x1c-\x1f\x85]"
INVALID_TEXT = "invalid_text"
TOO_DEEP = "too_deep"


@dataclass(frozen=True)
class TextProblem:
    field: str
    message: str
    code: str


class InvalidText(Invalid):
    """400 naming the field: `{"detail", "code", "field", "errors"}`, code `invalid_text` or
    `too_deep`."""

    def __init__(self, problem: TextProblem) -> None:
        super().__init__({problem.field: [problem.message]}, code=problem.code, field=problem.field)


def is_valid_text(text: str) -> bool:
    return _INVALID.search(text) is None


def _items(value: Any) -> Iterator[tuple[Any, Any]]:
    if isinstance(value, dict):
        return iter(value.items())
    return enumerate(value)


def find_problem(value: Any, field: str) -> TextProblem | None:
    """The first string (key or value) in `value` holding invalid text, or nesting too deep.

    Iterative, so a value nested beyond the interpreter's recursion limit is reported rather
    than crashing the check. The field path names keys and list positions, joined by dots,
    with any invalid character of a key shown as U+FFFD so that the answer itself can be encoded;
    an empty `field` stands for a whole request body ("body").
    """
    pending: list[tuple[Any, str, int]] = [(value, field, 0)]
    while pending:
        current, path, depth = pending.pop()
        if isinstance(current, str):
            if not is_valid_text(current):
                return TextProblem(
                    path or "body",
                    "Text may not contain NUL characters or unpaired surrogates.",
                    INVALID_TEXT,
                )
        elif isinstance(current, dict | list | tuple):
            if depth >= MAX_NESTING:
                return TextProblem(
                    path or "body", f"Nested deeper than {MAX_NESTING} levels.", TOO_DEEP
                )
            children = []
            for key, child in _items(current):
                name = _INVALID.sub("\ufffd", str(key))
                child_path = f"{path}.{name}" if path else name
                if isinstance(key, str) and not is_valid_text(key):
                    return TextProblem(
                        child_path,
                        "Keys may not contain NUL characters or unpaired surrogates.",
                        INVALID_TEXT,
                    )
                children.append((child, child_path, depth + 1))
            pending.extend(reversed(children))  # report the first problem in reading order
    return None


def require_valid_text(**fields: Any) -> None:
    """Raise InvalidText for the first field whose value (strings, nested JSON) is unfit."""
    for name, value in fields.items():
        problem = find_problem(value, name)
        if problem is not None:
            raise InvalidText(problem)
