"""Proofing use cases: spell-checking a text or a document's text, and the organisation's
dictionary (everyone reads it, administrators change it; changes are audited)."""

from templating.proofing.checks import SpellingReport, check_document, check_text
from templating.proofing.dictionary import add_word, dictionary_words, remove_word

__all__ = [
    "SpellingReport",
    "add_word",
    "check_document",
    "check_text",
    "dictionary_words",
    "remove_word",
]
