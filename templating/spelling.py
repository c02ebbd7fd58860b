"""Spell-checking in the languages pyspellchecker ships: which words of a text are unknown, and
what was probably meant (best first: fewer edits first, then the more frequent word).

Each language's vocabulary loads once per process, on first use, and stays. A known word costs
one set lookup; only unknown words pay for candidates: every string one edit away is looked up,
and only when none is a word does a scan of the most frequent words look two edits away
(generating all strings two edits away, as pyspellchecker does, grows with the square of the
word's length).
"""

import functools
import heapq
import threading
import unicodedata
from collections import Counter
from collections.abc import Callable, Mapping, Set
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

from templating.spelling_tokens import Token, lookup_form, words_to_check

LANGUAGES = ("en", "ru", "de", "fr", "es", "pt", "it")
SUGGESTIONS = 5
# Two edits away, only the most frequent words are looked for: scanning them all costs tens of
# milliseconds per word, and a rarer word two edits away is seldom what was meant.
TWO_EDIT_WORDS = 40_000
RARE_LETTER = 1e-4
# What one check spends at most on suggestions, so that a text of gibberish cannot keep a worker
# busy: distinct unknown words given suggestions, and of those, scans two edits away. Past the
# first, words are still reported, without suggestions (or with one-edit ones only).
MAX_SUGGESTED = 2_000
MAX_TWO_EDIT_SCANS = 200
MAX_WORD = 40
# pyspellchecker's Russian list holds about 20,000 words and misses most inflected forms (and
# even the prepositions "в" and "с"), the Spanish one most verb forms ("tiene", "puede");
# wordfreq's most frequent words of those languages fill the gap.
EXTRA_WORDS = {"ru": 250_000, "es": 150_000}
_SEPARATORS = ("'", "-")
# Elided articles and pronouns written before an apostrophe (l'homme, dell'anno, c'est).
_ELISIONS = frozenset(
    ["c", "d", "j", "l", "m", "n", "s", "t", "qu", "dell", "all", "dall", "nell", "sull", "un"]
)


@dataclass(frozen=True, slots=True)
class Misspelling:
    word: str
    offset: int
    length: int
    suggestions: list[str] = field(default_factory=list)


class UnsupportedLanguage(ValueError):
    def __init__(self, language: str) -> None:
        super().__init__(f"No spelling dictionary for {language!r}.")
        self.language = language


class Vocabulary:
    """One language's words with their frequencies."""

    def __init__(self, language: str) -> None:
        checker = SpellChecker(language=language, distance=1)
        counts: dict[str, int] = dict(checker.word_frequency.dictionary)
        if language in EXTRA_WORDS:
            counts = _with_extra_words(counts, language, EXTRA_WORDS[language])
        if language == "ru":
            # "счет" is how most people type "счёт"; both are right.
            for word in [word for word in counts if "ё" in word]:
                counts.setdefault(word.replace("ё", "е"), counts[word])
        self.language = language
        self.counts = counts
        self.letters = _edit_letters(checker.word_frequency.dictionary, language)
        self._lock = threading.Lock()
        self._by_length: dict[int, list[str]] | None = None

    def knows(self, key: str) -> bool:
        """Whether the lookup form `key` is a word: itself, or each part of an elided or
        hyphenated compound ("l'homme", "contactar-nos"); in English, also without its
        accents ("naïve", "rôle": loanwords keep them by choice)."""
        if key in self.counts:
            return True
        if self.language == "en" and not key.isascii() and _without_accents(key) in self.counts:
            return True
        if not any(separator in key for separator in _SEPARATORS):
            return False
        parts = [part for part in key.replace("-", "'").split("'") if part]
        if not parts:
            return False
        return all(
            part in self.counts or (index < len(parts) - 1 and part in _ELISIONS)
            for index, part in enumerate(parts)
        )

    def suggest(self, key: str, limit: int = SUGGESTIONS) -> list[str]:
        """Known words one edit from `key`, or two when none is one edit away; best first."""
        return self.suggest_within(key, limit, two_edits=True)[0]

    def suggest_within(self, key: str, limit: int, *, two_edits: bool) -> tuple[list[str], bool]:
        """`suggest`, looking two edits away only if `two_edits`; and whether it did."""
        if len(key) > MAX_WORD:  # no word is that long; its edits would be many
            return [], False
        found = set(filter(self.counts.__contains__, _one_edit(key, self.letters)))
        scanned = not found and two_edits
        if scanned:
            found = self._two_edits(key)
        found.discard(key)
        return sorted(found, key=lambda word: (-self.counts[word], word))[:limit], scanned

    def _two_edits(self, key: str) -> set[str]:
        found: set[str] = set()
        by_length = self._words_by_length()
        for length in range(max(1, len(key) - 2), len(key) + 3):
            words = by_length.get(length)
            if words:
                matches = process.extract(
                    key, words, scorer=OSA.distance, score_cutoff=2, limit=None
                )
                found.update(match[0] for match in matches)
        return found

    def _words_by_length(self) -> dict[int, list[str]]:
        with self._lock:
            if self._by_length is None:
                by_length: dict[int, list[str]] = {}
                frequent = heapq.nlargest(TWO_EDIT_WORDS, self.counts, key=self.counts.__getitem__)
                for word in frequent:
                    by_length.setdefault(len(word), []).append(word)
                self._by_length = by_length
            return self._by_length


def _edit_letters(counts: Mapping[str, int], language: str) -> str:
    """The letters one-edit candidates are made with: those of at least one in 10,000 letters
    of the language's running text. Rare ones (Greek in the Russian list, "é" in English) would
    multiply the strings to look up for words seldom meant."""
    seen: Counter[str] = Counter()
    for word, count in counts.items():
        for letter in word:
            seen[letter] += count
    total = sum(seen.values()) or 1
    letters = {letter for letter, count in seen.items() if count / total >= RARE_LETTER}
    if language == "ru":
        letters.add("ё")
    return "".join(sorted(letter for letter in letters if letter.isalpha()))


def _with_extra_words(counts: dict[str, int], language: str, how_many: int) -> dict[str, int]:
    import wordfreq  # only the languages that need it pay for loading it

    # wordfreq's list is in bins of falling frequency, bin `i` holding words seen 10**(-i/100)
    # of the time; pyspellchecker counts occurrences: scale so the most frequent word weighs
    # the same in both.
    scale = max(counts.values())
    merged = dict(counts)
    taken = 0
    for index, words in enumerate(wordfreq.get_frequency_list(language)):
        weight = max(1, int(scale * 10 ** (-index / 100)))
        for word in words:
            if word.isalpha() and word not in merged:
                merged[word] = weight
            taken += 1
        if taken >= how_many:
            break
    return merged


def _without_accents(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _one_edit(word: str, letters: str) -> list[str]:
    """Every string one deletion, transposition, replacement or insertion from `word`."""
    splits = [(word[:index], word[index:]) for index in range(len(word) + 1)]
    deletes = [left + right[1:] for left, right in splits if right]
    swaps = [left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1]
    replaces = [left + letter + right[1:] for left, right in splits if right for letter in letters]
    inserts = [left + letter + right for left, right in splits for letter in letters]
    return deletes + swaps + replaces + inserts


_loading = threading.Lock()


@functools.cache
def _vocabulary(language: str) -> Vocabulary:
    return Vocabulary(language)


def vocabulary(language: str) -> Vocabulary:
    """The language's vocabulary, loaded on first use and kept for the life of the process."""
    if language not in LANGUAGES:
        raise UnsupportedLanguage(language)
    with _loading:  # two threads asking at once load it once
        return _vocabulary(language)


def _matching_case(word: str, suggestion: str) -> str:
    if word[:1].isupper() and not word[1:2].isupper():
        return suggestion[:1].upper() + suggestion[1:]
    return suggestion


def check(
    text: str,
    language: str,
    *,
    accepted: Set[str] = frozenset(),
    exclude: Callable[[set[str]], Set[str]] | None = None,
    limit: int = SUGGESTIONS,
) -> list[Misspelling]:
    """The misspelled words of `text`, in order. `accepted` holds lookup forms that are right
    whatever the dictionary says (the organisation's words); `exclude` is asked once, with the
    lookup forms of the unknown words written with a capital, which of them to let pass (the
    names it knows)."""
    words = vocabulary(language)
    unknown: list[Token] = []
    forms: dict[str, str | None] = {}  # raw word -> its lookup form, None when it is right
    for offset, word in words_to_check(text):
        if word in forms:
            key = forms[word]
        else:
            key = lookup_form(word)
            if key in accepted or words.knows(key):
                key = None
            forms[word] = key
        if key is not None:
            unknown.append(Token(offset, len(word), key))
    if not unknown:
        return []
    # Names are written with a capital: only those words are worth asking about.
    capitalised = {token.key for token in unknown if text[token.offset].isupper()}
    passing = exclude(capitalised) if exclude is not None and capitalised else frozenset()
    suggestions: dict[str, list[str]] = {}
    scans = 0
    found = []
    for token in unknown:
        if token.key in passing:
            continue
        if token.key not in suggestions:
            if len(suggestions) >= MAX_SUGGESTED:
                suggestions[token.key] = []
            else:
                suggestions[token.key], scanned = words.suggest_within(
                    token.key, limit, two_edits=scans < MAX_TWO_EDIT_SCANS
                )
                scans += scanned
        word = text[token.offset : token.offset + token.length]
        found.append(
            Misspelling(
                word=word,
                offset=token.offset,
                length=token.length,
                suggestions=[_matching_case(word, item) for item in suggestions[token.key]],
            )
        )
    return found
