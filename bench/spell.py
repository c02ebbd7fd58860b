"""Spelling benchmark: quality per language on a labelled set, and speed beside pyspellchecker.

The labelled set, per language, reproducible (fixed seed):
- misspellings: words drawn from the 20,000 most frequent of pyspellchecker's list for the
  language (4 to 14 letters), each changed by one random edit (delete, insert, replace or swap
  two neighbours, with the language's letters). A change that makes another word of the
  vocabulary ("form" -> "from") is a real-word error, which no dictionary can see; it is drawn
  again and counted as excluded.
- correct text: a business letter written for this benchmark (`spell_texts.py`) and Faker's
  everyday words of the language (for Portuguese, the words of Faker's job titles), every word
  of which is right.
Printed per language: precision (flagged misspellings / everything flagged), recall (flagged
misspellings / misspellings), recall counting the redrawn real-word errors as missed too (a
lower bound), top-1 (the first suggestion is the original word), the share of correct words
flagged (and which they are). Targets: precision and recall at least 0.9 in every language.

Speed: a 10,000-word text per language (the correct words and 2% misspellings, shuffled)
checked by `templating.spelling.check` after a warm-up (median of 5 runs), beside a plain
pyspellchecker loop over the same words and the same vocabulary (each word: a lookup, then
`candidates()` sorted by frequency, the five best; one run, it takes long), which gives the
same answers; how often they agree is printed. Target: at most 0.3 s per text.

    .venv/bin/python bench/spell.py [--typos 400] [--words 10000] [--languages en,ru]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from _common import RatioTable, print_table  # noqa: E402
from spell_texts import FAKER_JOB_LOCALES, FAKER_LOCALES, LETTERS  # noqa: E402

from templating.spelling import LANGUAGES, check, vocabulary  # noqa: E402
from templating.spelling_tokens import lookup_form, words_to_check  # noqa: E402

SEED = 15
TARGET_PRECISION = 0.9
TARGET_RECALL = 0.9
TARGET_SECONDS = 0.3
FAKER_WORDS = 600


def _source_words(language: str) -> list[str]:
    from spellchecker import SpellChecker

    counts = SpellChecker(language=language).word_frequency.dictionary
    ranked = sorted(counts, key=lambda word: -counts[word])[:20_000]
    return [word for word in ranked if word.isalpha() and 4 <= len(word) <= 14]


def _one_random_edit(rng: random.Random, word: str, letters: str) -> str:
    index = rng.randrange(len(word))
    kind = rng.choice(("delete", "insert", "replace", "swap"))
    if kind == "delete":
        return word[:index] + word[index + 1 :]
    if kind == "insert":
        return word[:index] + rng.choice(letters) + word[index:]
    if kind == "replace":
        return word[:index] + rng.choice(letters.replace(word[index], "")) + word[index + 1 :]
    index = min(index, len(word) - 2)
    return word[:index] + word[index + 1] + word[index] + word[index + 2 :]


def misspellings(language: str, how_many: int) -> tuple[list[tuple[str, str]], int]:
    """(misspelling, original) pairs and how many real-word errors were drawn again."""
    rng = random.Random(f"{SEED}-{language}")
    words = vocabulary(language)
    letters = "".join(c for c in words.letters if c.islower())
    sources = _source_words(language)
    pairs: list[tuple[str, str]] = []
    excluded = 0
    while len(pairs) < how_many:
        original = rng.choice(sources)
        typo = _one_random_edit(rng, original, letters)
        if typo == original or words.knows(typo):
            excluded += 1
            continue
        pairs.append((typo, original))
    return pairs, excluded


def correct_words(language: str) -> list[str]:
    text = LETTERS[language]
    found = [word for _offset, word in words_to_check(text)]
    if language in FAKER_LOCALES:
        from faker import Faker

        everyday = sorted(set(Faker(FAKER_LOCALES[language]).get_words_list()))
        found += random.Random(SEED).sample(everyday, min(FAKER_WORDS, len(everyday)))
    if language in FAKER_JOB_LOCALES:
        from faker import Faker

        jobs = " ".join(Faker(FAKER_JOB_LOCALES[language]).provider("faker.providers.job").jobs)  # type: ignore[union-attr]
        words = sorted({word for _offset, word in words_to_check(jobs)})
        found += random.Random(SEED).sample(words, min(FAKER_WORDS, len(words)))
    return found


def quality(language: str, typos: int) -> dict[str, object]:
    pairs, excluded = misspellings(language, typos)
    correct = correct_words(language)
    flagged_typos = 0
    top_one = 0
    for typo, original in pairs:
        found = check(typo, language)
        if found:
            flagged_typos += 1
            top_one += bool(found[0].suggestions and found[0].suggestions[0] == original)
    false_alarms = sorted({m.word for word in correct for m in check(word, language)})
    false_count = sum(1 for word in correct if check(word, language))
    flagged = flagged_typos + false_count
    return {
        "language": language,
        "misspellings": len(pairs),
        "excluded": excluded,
        "correct": len(correct),
        "precision": flagged_typos / flagged if flagged else 1.0,
        "recall": flagged_typos / len(pairs),
        # Counting the typos that made a word of the vocabulary as missed (some are real words,
        # some rare entries of the lists): a lower bound.
        "recall_any": flagged_typos / (len(pairs) + excluded),
        "false_rate": false_count / len(correct),
        "top1": top_one / len(pairs),
        "false_alarms": false_alarms,
    }


def speed_text(language: str, size: int) -> str:
    rng = random.Random(f"{SEED}-speed-{language}")
    correct = correct_words(language)
    pairs, _ = misspellings(language, max(1, size // 50))
    words = [rng.choice(correct) for _ in range(size - len(pairs))]
    words += [typo for typo, _ in pairs]
    rng.shuffle(words)
    return " ".join(words)


def plain_loop(language: str) -> object:
    """pyspellchecker as documented, over the same vocabulary as ours."""
    from spellchecker import SpellChecker

    checker = SpellChecker(language=None, distance=2)
    checker.word_frequency.load_json(dict(vocabulary(language).counts))
    frequency = checker.word_frequency
    # The same alphabet for its edits as ours: the letters pyspellchecker gathers from the whole
    # list (Greek and Latin in the Russian one) would make its side slower for nothing.
    frequency._letters = set(vocabulary(language).letters)

    def run(text: str) -> list[tuple[int, list[str]]]:
        answers = []
        for offset, word in words_to_check(text):
            key = lookup_form(word)
            if key in frequency:
                continue
            candidates = checker.candidates(key) or set()
            candidates.discard(key)
            best = sorted(candidates, key=lambda found: (-frequency[found], found))[:5]
            answers.append((offset, best))
        return answers

    return run


def speed(language: str, size: int) -> tuple[float, float, float]:
    text = speed_text(language, size)

    def ours(text: str) -> list[tuple[int, list[str]]]:
        return [(m.offset, [s.lower() for s in m.suggestions]) for m in check(text, language)]

    bare = plain_loop(language)
    ours(text)  # warm-up: the vocabulary loads
    ours_times = []
    ours_answer: list[tuple[int, list[str]]] = []
    for _ in range(5):
        began = time.perf_counter()
        ours_answer = ours(text)
        ours_times.append(time.perf_counter() - began)
    # Once: the plain loop's two-edit candidates take long, and it keeps no cache between runs.
    began = time.perf_counter()
    bare_answer = bare(text)  # type: ignore[operator]
    bare_seconds = time.perf_counter() - began
    # Compared word by word (by offset): one word flagged on one side only must not shift the
    # comparison of all the others.
    ours_by_offset, bare_by_offset = dict(ours_answer), dict(bare_answer)
    offsets = ours_by_offset.keys() | bare_by_offset.keys()
    same = sum(1 for offset in offsets if ours_by_offset.get(offset) == bare_by_offset.get(offset))
    agreement = same / max(len(offsets), 1)
    return statistics.median(ours_times), bare_seconds, agreement


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--typos", type=int, default=400)
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--languages", default=",".join(LANGUAGES))
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-quality", action="store_true")
    options = parser.parse_args()
    languages = [language for language in options.languages.split(",") if language]
    rows = []
    all_met = True
    for language in languages if not options.no_quality else []:
        figures = quality(language, options.typos)
        met = figures["precision"] >= TARGET_PRECISION and figures["recall"] >= TARGET_RECALL  # type: ignore[operator]
        all_met &= bool(met)
        rows.append(
            [
                language,
                figures["misspellings"],
                figures["excluded"],
                figures["correct"],
                f"{figures['precision']:.3f}",
                f"{figures['recall']:.3f}",
                f"{figures['recall_any']:.3f}",
                f"{figures['top1']:.3f}",
                f"{figures['false_rate']:.3f}",
                "yes" if met else "NO",
            ]
        )
        if figures["false_alarms"]:
            print(f"{language} correct words flagged: {', '.join(figures['false_alarms'])}")  # type: ignore[arg-type]
    if rows:
        print_table(
            [
                "lang",
                "misspellings",
                "real-word (redrawn)",
                "correct words",
                "precision",
                "recall",
                "recall, any typo",
                "top-1",
                "correct flagged",
                "met?",
            ],
            rows,
            "Quality on single-edit misspellings and correct text",
        )
    if not options.no_speed:
        table = RatioTable(
            f"Speed: a {options.words}-word text "
            "(ours the median of 5 after a warm-up, bare one run)"
        )
        agreements = []
        for language in languages:
            ours, bare, agreement = speed(language, options.words)
            met = ours <= TARGET_SECONDS
            all_met &= met
            table.row(f"{language} check, ms", ours * 1000, bare * 1000, "<= 300 ms", met)
            agreements.append(f"{language} {agreement:.3f}")
            print(
                f"{language}: ours {ours:.3f} s, bare {bare:.3f} s, same {agreement:.3f}",
                flush=True,
            )
        table.print()
        print("answers equal to the plain loop's:", ", ".join(agreements))
    sys.exit(0 if all_met else 1)


if __name__ == "__main__":
    main()
