"""Highlights for engines that cannot make them for every query kind (tantivy's snippet
generator skips prefix, fuzzy and stemmed matches): `<mark>` around matches, the rest escaped.
"""

import heapq
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from html import escape

from rapidfuzz import process
from rapidfuzz.distance import OSA

from search.query import Leaf, Phrase, Prefix, Word, fuzziness

MAX_FRAGMENTS = 3
FRAGMENT_BEFORE = 60
FRAGMENT_AFTER = 100
FUZZY_SCAN_CHARS = 20_000
_TOKEN = re.compile(r"\w+")


@lru_cache(maxsize=1024)
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Query patterns compiled once: compiling the three of a query cost as much as marking a
    page of hits, and `re`'s own cache (512, shared by the process) does not keep them."""
    return re.compile(pattern, flags)


def _word_pattern(word: str, stems: Callable[[str], Iterable[str]]) -> str:
    parts = [re.escape(part) for part in re.split(r"\W+", word) if part]
    if len(parts) > 1:
        return r"\b" + r"\W+".join(parts) + r"\b"
    alternatives = {parts[0] + r"\b"}
    for stem in stems(word):
        if len(stem) >= 3 and word.lower().startswith(stem[:3]):
            alternatives.add(re.escape(stem) + r"\w*")
    return r"\b(?:" + "|".join(sorted(alternatives)) + ")"


class Highlighter:
    def __init__(
        self,
        leaves: list[Leaf],
        *,
        fuzzy: bool,
        stems: Callable[[str], Iterable[str]] = lambda word: (),
    ) -> None:
        patterns = []
        self.fuzzy_words: list[tuple[str, int]] = []
        self._near: dict[str, bool] = {}
        for leaf in leaves:
            if isinstance(leaf, Phrase):
                words = [re.escape(word) for word in leaf.text.split()]
                patterns.append(r"\b" + r"\W+".join(words) + r"\b")
            elif isinstance(leaf, Prefix):
                patterns.append(r"\b" + re.escape(leaf.text) + r"\w*")
            elif isinstance(leaf, Word):
                patterns.append(_word_pattern(leaf.text, stems))
                if fuzzy and fuzziness(leaf.text):
                    self.fuzzy_words.append((leaf.text.lower(), fuzziness(leaf.text)))
        self.pattern = _compiled("|".join(patterns), re.IGNORECASE) if patterns else None
        # The same alternatives without their leading `\b`: a pattern opening with literals
        # lets the regular expression engine skip ahead to their first letters, three times
        # faster; each place it finds is then confirmed with the real pattern (`_matches`).
        assert all(pattern.startswith(r"\b") for pattern in patterns)
        self._scout = (
            _compiled("|".join(pattern[2:] for pattern in patterns), re.IGNORECASE)
            if patterns
            else None
        )
        # Fuzzy words: the near tokens met so far on the page.
        self._near_tokens: set[str] = set()
        self._near_compiled: tuple[int, re.Pattern[str]] | None = None

    def spans(self, text: str) -> list[tuple[int, int]]:
        return list(self._spans(text))

    def _spans(self, text: str) -> Iterator[tuple[int, int]]:
        """Matches in text order, overlapping ones merged. Lazy: a long text is scanned only
        as far as the fragments asked for reach."""
        streams: list[Iterator[tuple[int, int]]] = []
        if self.pattern is not None:
            streams.append(self._matches(text))
        if self.fuzzy_words:
            streams.append(self._fuzzy_spans(text))
        current: tuple[int, int] | None = None
        ordered = streams[0] if len(streams) == 1 else heapq.merge(*streams)
        for start, end in ordered:
            if current is not None and start <= current[1]:
                current = (current[0], max(end, current[1]))
            elif end > start:
                if current is not None:
                    yield current
                current = (start, end)
        if current is not None:
            yield current

    def _matches(self, text: str) -> Iterator[tuple[int, int]]:
        """`match.span() for match in self.pattern.finditer(text)`, found faster: wherever the
        pattern matches, the scout (it without the word boundary in front) matches too, so the
        scout's leftmost match is the first place the pattern can match."""
        assert self.pattern is not None and self._scout is not None
        position = 0
        while (scouted := self._scout.search(text, position)) is not None:
            match = self.pattern.match(text, scouted.start())
            if match is None:
                position = scouted.start() + 1
                continue
            yield match.span()
            position = max(match.end(), scouted.start() + 1)

    def _fuzzy_spans(self, text: str) -> Iterator[tuple[int, int]]:
        scanned = text[:FUZZY_SCAN_CHARS]
        lowered = scanned.lower()
        if len(lowered) != len(scanned) or "Σ" in scanned:
            # Lower-casing moved offsets (İ) or depends on context (final sigma): token by token.
            for match in _TOKEN.finditer(scanned):
                if self._is_near(match.group().lower()):
                    yield match.span()
            return
        # The distinct tokens are collected in C, and those not met before on the page are
        # measured against the fuzzy words in C too (rapidfuzz); a text with near tokens is
        # then scanned once for exactly those, whole tokens as `_TOKEN` delimits them.
        tokens = set(_TOKEN.findall(lowered))
        unknown = tokens.difference(self._near)
        if unknown:
            self._near.update(dict.fromkeys(unknown, False))
            choices = list(unknown)
            for word, distance in self.fuzzy_words:
                for token, _distance, _index in process.extract_iter(
                    word, choices, scorer=OSA.distance, score_cutoff=distance
                ):
                    self._near[token] = True
                    self._near_tokens.add(token)
        if not tokens.isdisjoint(self._near_tokens):
            yield from (match.span() for match in self._near_pattern().finditer(lowered))

    def _near_pattern(self) -> re.Pattern[str]:
        """Whole tokens among the near ones met so far on the page (compiled as the set grows:
        a text holds only its own tokens, so the others in the pattern never match in it)."""
        if self._near_compiled is None or self._near_compiled[0] != len(self._near_tokens):
            alternatives = "|".join(re.escape(token) for token in sorted(self._near_tokens))
            self._near_compiled = (len(self._near_tokens), re.compile(rf"\b(?:{alternatives})\b"))
        return self._near_compiled[1]

    def _is_near(self, token: str) -> bool:
        # Words repeat across a page of hits; the edit distance is worked out once per word.
        near = self._near.get(token)
        if near is None:
            near = self._distance_allows(token)
            self._near[token] = near
            if near:
                self._near_tokens.add(token)
        return near

    def _distance_allows(self, token: str) -> bool:
        # Optimal string alignment: an adjacent transposition counts as one edit, as in the
        # engines' fuzzy queries (tantivy's `transposition_cost_one`, Elasticsearch's
        # `fuzzy_transpositions`).
        return any(
            OSA.distance(word, token, score_cutoff=distance) <= distance
            for word, distance in self.fuzzy_words
        )

    def fragments(self, text: str, limit: int, *, whole: bool = False) -> list[str]:
        """Up to `limit` escaped fragments of `text` with its matches marked."""
        if not text:
            return []
        if whole:
            spans = self.spans(text)
            return [_mark(text, 0, len(text), spans)] if spans else []
        pending = self._spans(text)
        upcoming = next(pending, None)
        seen: list[tuple[int, int]] = []  # a window may reach back over earlier matches
        fragments: list[str] = []
        while upcoming is not None and len(fragments) < limit:
            start = upcoming[0]
            window_start = _boundary_before(text, max(0, start - FRAGMENT_BEFORE))
            window_end = _boundary_after(text, min(len(text), start + FRAGMENT_AFTER))
            while upcoming is not None and upcoming[0] < window_end:
                seen.append(upcoming)
                upcoming = next(pending, None)
            fragment = _mark(text, window_start, window_end, seen)
            prefix = "…" if window_start > 0 else ""
            suffix = "…" if window_end < len(text) else ""
            fragments.append(prefix + fragment.strip() + suffix)
        return fragments

    def highlights(self, *, title: str, text: str, meta: str) -> list[str]:
        found = self.fragments(title, 1, whole=True)
        found += self.fragments(text, MAX_FRAGMENTS - len(found))
        if len(found) < MAX_FRAGMENTS:
            found += self.fragments(meta, MAX_FRAGMENTS - len(found))
        return found


def _boundary_before(text: str, position: int) -> int:
    if position == 0:
        return 0
    space = text.find(" ", position, position + 20)
    return space + 1 if space != -1 else position


def _boundary_after(text: str, position: int) -> int:
    if position >= len(text):
        return len(text)
    space = text.rfind(" ", position - 20, position)
    return space if space != -1 else position


def _mark(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    out = []
    cursor = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        out.append(escape(text[cursor:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(escape(text[cursor:end]))
    return " ".join("".join(out).split())
