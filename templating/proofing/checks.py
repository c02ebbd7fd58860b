"""Spell-checking a text, or the extracted text of a document the caller may view.

What passes besides the dictionary: the organisation's words, and the names of the CRM records
the caller can see (asked only for the capitalised words the dictionary did not know, once per
word). Without a language, a document's text is split into paragraphs (lines) and each is
checked in the language the search index's detector finds for it; a paragraph too short to tell
takes the language of the one before it (the first ones, the whole text's).
"""

import re
from collections import Counter
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from audit.record import RequestContext
from core.errors import Conflict, Invalid
from crm.selectors import records_for
from permissions.access import get_document
from repository.models import TextStatus
from repository.services.reads import read_text
from search.records import OTHER_LANGUAGE, detect_language_among
from templating.spelling import LANGUAGES, Misspelling, check
from templating.spelling_dictionary import organisation_keys
from templating.spelling_tokens import WORD, lookup_form

# The fields naming a CRM record (people and companies, deal and lead titles).
NAME_FIELDS = {
    "lead": ("title", "name", "last_name", "company_title"),
    "contact": ("name", "last_name"),
    "company": ("title",),
    "deal": ("title",),
}
# Asking the CRM about more unknown capitalised words than this in one check costs more than it
# helps: a text with that many is in another language or no prose at all.
MAX_NAME_LOOKUPS = 200
# Terms per query stay far below SQLite's limit on the depth of an expression (1,000).
NAME_LOOKUPS_PER_QUERY = 25
MAX_TEXT = 1_000_000
# Paragraphs shorter than this take the language around them; past this many detections (each
# costs milliseconds) the rest do too.
MIN_DETECTED = 40
MAX_DETECTIONS = 300
_PARAGRAPH = re.compile(r"(?:\r\n|\r|\n)\s*(?:\r\n|\r|\n)|(?:\r\n|\r|\n)")


@dataclass
class Finding:
    misspelling: Misspelling
    language: str


@dataclass
class SpellingReport:
    language: str
    errors: list[Finding] = field(default_factory=list)
    text: str = ""  # what was checked, for marking the errors in it


def supported_language(language: Any) -> str:
    """The language code if there is a dictionary for it; else 400 listing those there are."""
    if isinstance(language, str) and language.strip().lower() in LANGUAGES:
        return language.strip().lower()
    raise Invalid(
        {"language": [f"Unsupported language; supported: {', '.join(LANGUAGES)}."]},
        code="unsupported_language",
        supported=list(LANGUAGES),
    )


class _VisibleNames:
    """Which unknown words are words of the name of a CRM record the user can see; asked of the
    database once per word however many paragraphs ask."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.known: dict[str, bool] = {}

    def __call__(self, keys: Set[str]) -> set[str]:
        fresh = sorted(key for key in keys if key not in self.known)
        room = max(0, MAX_NAME_LOOKUPS - len(self.known))
        if fresh and room:
            names = self._lookup(fresh[:room])
            self.known.update((key, key in names) for key in fresh[:room])
        return {key for key in keys if self.known.get(key)}

    def _lookup(self, asked: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(asked), NAME_LOOKUPS_PER_QUERY):
            chunk = asked[start : start + NAME_LOOKUPS_PER_QUERY]
            # `icontains` folds case on PostgreSQL, on SQLite for ASCII only: a non-ASCII word
            # is asked for as written with a capital as well.
            forms = {
                form for key in chunk for form in ({key} if key.isascii() else {key, key.title()})
            }
            for entity, fields in NAME_FIELDS.items():
                condition = Q()
                for form in forms:
                    for name in fields:
                        condition |= Q(**{f"{name}__icontains": form})
                rows = records_for(self.user, entity).filter(condition).values_list(*fields)
                for values in rows:
                    for value in values:
                        found.update(lookup_form(word) for word in WORD.findall(value or ""))
        return found


def _check(
    names: _VisibleNames, text: str, language: str, accepted: frozenset[str]
) -> list[Misspelling]:
    return check(text, language, accepted=accepted, exclude=names)


def _too_long(text: str) -> None:
    if len(text) > MAX_TEXT:
        raise Invalid({"text": [f"At most {MAX_TEXT} characters."]})


def check_text(*, actor: Any, text: Any, language: Any) -> SpellingReport:
    """The misspelled words of `text` in `language` (a supported code, else 400)."""
    if not isinstance(text, str):
        raise Invalid({"text": ["Expected a string."]})
    _too_long(text)
    chosen = supported_language(language)
    found = _check(_VisibleNames(actor), text, chosen, organisation_keys())
    return SpellingReport(chosen, [Finding(item, chosen) for item in found], text)


def _paragraphs(text: str) -> Iterable[tuple[int, str]]:
    """(offset, paragraph) pairs covering the text's lines."""
    start = 0
    for separator in _PARAGRAPH.finditer(text):
        if separator.start() > start:
            yield start, text[start : separator.start()]
        start = separator.end()
    if start < len(text):
        yield start, text[start:]


def _by_paragraph(user: Any, text: str, accepted: frozenset[str]) -> SpellingReport:
    main = detect_language_among(text, LANGUAGES)
    segments: list[list[Any]] = []  # [start, end, language] of runs of one language
    letters: Counter[str] = Counter()
    detections = 0
    previous = main
    for offset, paragraph in _paragraphs(text):
        language = OTHER_LANGUAGE
        if detections < MAX_DETECTIONS and len(paragraph) >= MIN_DETECTED:
            detections += 1
            language = detect_language_among(paragraph, LANGUAGES)
        # Too short to tell ("Dear Sir,", a heading): the language around it.
        if language == OTHER_LANGUAGE:
            language = previous
        previous = language
        end = offset + len(paragraph)
        if segments and segments[-1][2] == language:
            segments[-1][1] = end
        else:
            segments.append([offset, end, language])
        if language != OTHER_LANGUAGE:
            letters[language] += len(paragraph)
    if not letters:
        # The request lacks what this text needs: a language to check it in.
        raise Invalid(
            {
                "language": [
                    "The language of the text could not be told; choose one of "
                    f"{', '.join(LANGUAGES)}."
                ]
            },
            code="language_unknown",
            supported=list(LANGUAGES),
        )
    report = SpellingReport(letters.most_common(1)[0][0])
    names = _VisibleNames(user)
    for start, end, language in segments:
        if language == OTHER_LANGUAGE:
            continue
        for item in _check(names, text[start:end], language, accepted):
            moved = Misspelling(item.word, item.offset + start, item.length, item.suggestions)
            report.errors.append(Finding(moved, language))
    return report


def check_document(
    *, context: RequestContext, document_id: Any, language: Any = None
) -> SpellingReport:
    """The misspelled words of the current version's extracted text. Needs `view` (404
    otherwise); reading the text is recorded as `document.text`, as `GET .../text/` does."""
    get_document(context.user, document_id)  # out of sight: 404 before any other answer
    chosen = None if language in (None, "") else supported_language(language)
    version = read_text(context=context, document_id=document_id, version=None)
    if version.text_status == TextStatus.PENDING:
        raise Conflict("The text is still being read from the file.", code="text_pending")
    text = version.text
    accepted = organisation_keys()
    if chosen is not None:
        found = _check(_VisibleNames(context.user), text, chosen, accepted)
        return SpellingReport(chosen, [Finding(item, chosen) for item in found], text)
    if not text.strip():
        return SpellingReport(OTHER_LANGUAGE, [], text)
    report = _by_paragraph(context.user, text, accepted)
    report.text = text
    return report


def check_generated(*, actor: Any, text: str) -> SpellingReport:
    """The spell report of a text Kontor wrote (a filled template), each paragraph in the
    language found for it; a text in none of the languages gets an empty report, not a refusal
    (the caller asked for a document, not a check)."""
    text = text[:MAX_TEXT]
    if not text.strip():
        return SpellingReport(OTHER_LANGUAGE, [], text)
    try:
        report = _by_paragraph(actor, text, organisation_keys())
    except Invalid:
        return SpellingReport(OTHER_LANGUAGE, [], text)
    report.text = text
    return report
