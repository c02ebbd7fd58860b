"""The organisation's dictionary: its own words (names, product terms) that the spell-checker
never flags, in any language. Everyone signed in reads it (a checker's answer depends on it);
administrators add and remove words, each change audited (`spelling.word_add`,
`spelling.word_remove`) and applied at once in every process (`bump_generation`)."""

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid, NotFound
from permissions.access import require_admin
from templating.models import DictionaryWord
from templating.spelling_dictionary import bump_generation
from templating.spelling_tokens import lookup_form

MAX_LENGTH = 100
# One word: letters (or digits), with apostrophes or hyphens inside; the API's schema says the
# same with this pattern.
WORD_PATTERN = "^[^\\W_]+(?:['\u2019-][^\\W_]+)*$"
_WORD = re.compile(WORD_PATTERN)


def dictionary_words() -> QuerySet[DictionaryWord]:
    """All the organisation's words, in alphabetical order of their lookup form."""
    return DictionaryWord.objects.order_by("key")


def _clean(word: Any) -> str:
    if not isinstance(word, str) or not word.strip():
        raise Invalid({"word": ["Enter a word."]})
    word = word.strip()
    if len(word) > MAX_LENGTH:
        raise Invalid({"word": [f"At most {MAX_LENGTH} characters."]})
    if _WORD.match(word) is None:
        raise Invalid(
            {"word": ["One word: letters, with apostrophes or hyphens inside; no spaces."]}
        )
    return word


def add_word(*, context: RequestContext, word: Any) -> DictionaryWord:
    """Add a word (administrators; 409 when its form is there already)."""
    require_admin(context.user)
    cleaned = _clean(word)
    key = lookup_form(cleaned)
    try:
        with transaction.atomic():
            entry = DictionaryWord.objects.create(word=cleaned, key=key, added_by=context.user)
            bump_generation()
            record(
                context,
                "spelling.word_add",
                object_type="dictionary_word",
                object_id=entry.pk,
                details={"word": cleaned},
            )
    except IntegrityError:
        raise Conflict(f"{cleaned} is in the dictionary already.", code="word_exists") from None
    return entry


def remove_word(*, context: RequestContext, word: Any) -> None:
    """Remove a word, found by any of its forms (administrators; 404 when it is not there)."""
    require_admin(context.user)
    if not isinstance(word, str) or not word.strip():
        raise Invalid({"word": ["Enter a word."]})
    with transaction.atomic():
        entry = (
            DictionaryWord.objects.select_for_update().filter(key=lookup_form(word.strip())).first()
        )
        if entry is None:
            raise NotFound(f"{word.strip()} is not in the dictionary.")
        entry_id, entry_word = entry.pk, entry.word
        entry.delete()
        bump_generation()
        record(
            context,
            "spelling.word_remove",
            object_type="dictionary_word",
            object_id=entry_id,
            details={"word": entry_word},
        )
