"""The words of a text a spell-checker should look at, with their places in the original string.

Offsets and lengths count Python `str` characters of the text as given (a combining accent is a
character of its own, an emoji one character, CRLF two), so `text[offset:offset + length]` is
the word. What is never checked: numbers and words holding a digit (or an underscore), e-mail
addresses, URLs and ALL-CAPS acronyms.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

# Combining marks (Unicode category M) are not `\w` in Python's `re`; a word written with
# decomposed accents ("cafe" + U+0301) must stay one word.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_PART = rf"[\w{_MARKS}]+"
# A word: letters (and digits, to skip the whole token) joined by inner apostrophes or hyphens.
WORD = re.compile(rf"{_PART}(?:['’\-]{_PART})*")
# Addresses, skipped whole: URLs, www. names, e-mail addresses, bare domain names.
_ADDRESS = re.compile(
    r"(?:\b[a-z][a-z0-9+.\-]*://|\bwww\.)\S+"
    r"|[^\s@]+@[^\s@]+\.[^\s@]+"
    r"|\b[\w\-]+(?:\.[\w\-]+)*\.(?:com|org|net|io|de|fr|es|it|pt|ru|eu|uk)\b\S*",
    re.IGNORECASE,
)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Token:
    """A word to check: `text[offset:offset + length]`, and its lookup form `key`."""

    offset: int
    length: int
    key: str


def lookup_form(word: str) -> str:
    """The form dictionaries hold: composed accents, lower case, a straight apostrophe."""
    if word.isascii():
        return word.lower()
    return unicodedata.normalize("NFC", word).replace("’", "'").lower()


def is_acronym(word: str) -> bool:
    """ALL-CAPS of two letters or more ("VAT", "ООО"; "GmbH" is not)."""
    return len(word) >= 2 and word.isupper()


def words_to_check(text: str) -> Iterator[tuple[int, str]]:
    """(offset, word) for the words of `text` worth a dictionary lookup, in order."""
    # One pass each over the whole text (a regex call per word costs more than the lookup).
    addresses = [match.span() for match in _ADDRESS.finditer(text)] if "." in text else []
    address = 0
    skipped: dict[str, bool] = {}
    for match in WORD.finditer(text):
        start = match.start()
        if addresses:
            while address < len(addresses) and addresses[address][1] <= start:
                address += 1
            if address < len(addresses) and addresses[address][0] <= start:
                continue
        word = match.group()
        is_skipped = skipped.get(word)
        if is_skipped is None:
            is_skipped = "_" in word or is_acronym(word) or _DIGIT.search(word) is not None
            skipped[word] = is_skipped
        if not is_skipped:
            yield start, word
