"""Fuzzy highlighting marks exactly the tokens within the edit distance of a query word."""

from hypothesis import example, given, settings
from hypothesis import strategies as st

from search.highlight import _TOKEN, FUZZY_SCAN_CHARS, Highlighter
from search.query import Phrase, Prefix, Word, fuzziness

# Word letters, among them both small sigmas (capital sigma lower-cases by context), and the
# long s (a case-folding oddity).
LETTERS = "abco\u03c3\u03c2"
# Between tokens: white space, punctuation (some of it "case-ignorable": Σ before `.` plus a
# letter is not word-final), and letters whose lower case is longer (İ) or folds oddly (K).
SEPARATORS = st.sampled_from([" ", ". ", ".", ", ", "-", "\n", " İ ", "K", "_", "9"])


@st.composite
def _token(draw: st.DrawFn, words: list[str]) -> str:
    """A random token, or a query word after up to three random edits."""
    if draw(st.booleans()):
        return draw(st.text(alphabet=LETTERS + "ſé", min_size=1, max_size=9))
    token = list(draw(st.sampled_from(words)))
    for _ in range(draw(st.integers(0, 3))):
        position = draw(st.integers(0, len(token)))
        letter = draw(st.sampled_from(LETTERS + "ſé"))
        edit = draw(st.sampled_from(["insert", "delete", "replace", "transpose"]))
        if edit == "insert" or not token:
            token.insert(position, letter)
        elif edit == "transpose" and len(token) > 1:
            at = min(position, len(token) - 2)
            token[at], token[at + 1] = token[at + 1], token[at]
        elif edit == "delete":
            del token[min(position, len(token) - 1)]
        else:
            token[min(position, len(token) - 1)] = letter
    text = "".join(token)
    return text.upper() if draw(st.booleans()) else text


@st.composite
def _texts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    words = draw(
        st.lists(st.text(alphabet=LETTERS, min_size=3, max_size=8), min_size=1, max_size=2)
    )
    texts = []
    for _ in range(draw(st.integers(1, 4))):
        parts = []
        for _ in range(draw(st.integers(0, 12))):
            parts += [draw(_token(words)), draw(SEPARATORS)]
        texts.append("".join(parts))
    return words, texts


def _distance(left: str, right: str) -> int:
    """Optimal string alignment distance (Levenshtein plus adjacent transpositions at cost
    one, as the engines' fuzzy queries count), the textbook table."""
    table = [[row + column if row * column == 0 else 0 for column in range(len(right) + 1)]
             for row in range(len(left) + 1)]  # fmt: skip
    for row in range(1, len(left) + 1):
        for column in range(1, len(right) + 1):
            cost = left[row - 1] != right[column - 1]
            table[row][column] = min(
                table[row - 1][column] + 1,
                table[row][column - 1] + 1,
                table[row - 1][column - 1] + cost,
            )
            if (
                row > 1
                and column > 1
                and left[row - 1] == right[column - 2]
                and left[row - 2] == right[column - 1]
            ):
                table[row][column] = min(table[row][column], table[row - 2][column - 2] + 1)
    return table[-1][-1]


def _expected(words: list[str], text: str) -> list[tuple[int, int]]:
    return [
        match.span()
        for match in _TOKEN.finditer(text[:FUZZY_SCAN_CHARS])
        if any(_distance(word.lower(), match.group().lower()) <= fuzziness(word) for word in words)
    ]


@settings(max_examples=400, deadline=None)
@given(case=_texts())
# In the text, capital sigma before `.c` lower-cases to the middle sigma (one edit from the
# word); alone, to the final sigma (two).
@example(case=(["ab\u03c3"], ["OB\u03a3.c"]))
def test_fuzzy_spans_are_the_tokens_within_distance(case: tuple[list[str], list[str]]) -> None:
    """One highlighter over several texts (its per-page memory in play) marks what the
    definition marks, text by text."""
    words, texts = case
    highlighter = Highlighter([Word(word) for word in words], fuzzy=True)
    for text in texts:
        assert list(highlighter._fuzzy_spans(text)) == _expected(words, text)


def test_a_transposition_is_one_edit_as_in_the_engines() -> None:
    """ "form" is one transposition from "from": the engines find it, so it is marked."""
    highlighter = Highlighter([Word("from")], fuzzy=True)
    assert highlighter.highlights(title="", text="a form to fill", meta="") == [
        "a <mark>form</mark> to fill"
    ]


def test_fuzzy_highlights_mark_misspellings_and_escape_the_rest() -> None:
    highlighter = Highlighter([Word("reconcilation")], fuzzy=True)
    found = highlighter.highlights(
        title="<b>Reconciliation</b>", text="bank reconciliations & more", meta=""
    )
    assert found == [
        "&lt;b&gt;<mark>Reconciliation</mark>&lt;/b&gt;",
        "bank <mark>reconciliations</mark> &amp; more",
    ]


LEAVES = st.one_of(
    st.builds(Word, st.text(alphabet="abo", min_size=1, max_size=4)),
    st.builds(Prefix, st.text(alphabet="abo", min_size=1, max_size=3)),
    st.builds(
        Phrase,
        st.lists(st.text(alphabet="abo", min_size=1, max_size=3), min_size=2, max_size=3).map(
            " ".join
        ),
    ),
)


@settings(max_examples=400, deadline=None)
@given(
    leaves=st.lists(LEAVES, min_size=1, max_size=3),
    text=st.text(alphabet="abo AB.-_\u0130", max_size=80),
)
# The scout's first find starts inside a word and overlaps the real match after it.
@example(leaves=[Phrase("a a")], text="ba a a")
def test_matches_are_the_patterns_matches(leaves: list[Word | Phrase | Prefix], text: str) -> None:
    """The scouted search finds what `finditer` over the whole pattern finds."""
    highlighter = Highlighter(leaves, fuzzy=False, stems=lambda word: {word[:3] + "a"})
    assert highlighter.pattern is not None
    expected = [match.span() for match in highlighter.pattern.finditer(text)]
    assert list(highlighter._matches(text)) == expected
