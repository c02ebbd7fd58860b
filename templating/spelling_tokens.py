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
_CHUNK = re.compile(r"\S+")
_URL = re.compile(r"^[(<\[\"']*(?:[a-z][a-z0-9+.\-]*://|www\.)", re.IGNORECASE)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_DOMAIN = re.compile(r"^[\w\-]+(?:\.[\w\-]+)*\.(?:com|org|net|io|de|fr|es|it|pt|ru|eu|uk)\b", re.I)
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Token:
    """A word to check: `text[offset:offset + length]`, and its lookup form `key`."""

    offset: int
    length: int
    key: str


def lookup_form(word: str) -> str:
    """The form dictionaries hold: composed accents, lower case, a straight apostrophe."""
    return unicodedata.normalize("NFC", word).replace("’", "'").lower()


def is_acronym(word: str) -> bool:
    """ALL-CAPS of two letters or more ("VAT", "ООО", "GmbH" is not)."""
    letters = [character for character in word if character.isalpha()]
    return len(letters) >= 2 and all(character.isupper() for character in letters)


def words_to_check(text: str) -> Iterator[Token]:
    """The tokens of `text` worth a dictionary lookup, in order."""
    for chunk in _CHUNK.finditer(text):
        value = chunk.group()
        if _URL.match(value) or _EMAIL.search(value) or _DOMAIN.match(value):
            continue
        for match in WORD.finditer(value):
            word = match.group().strip("-'’")
            if not word or "_" in word or _DIGIT.search(word) or is_acronym(word):
                continue
            start = chunk.start() + match.start() + match.group().index(word)
            yield Token(offset=start, length=len(word), key=lookup_form(word))
