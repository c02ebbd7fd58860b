"""The spell-checking engine: offsets into the original string, what it skips, suggestions
best first, one vocabulary per language and process, a lookup for known words."""

import pytest

from templating import spelling
from templating.spelling import LANGUAGES, UnsupportedLanguage, check, vocabulary


def _at(text: str, found: list[spelling.Misspelling]) -> list[str]:
    return [text[item.offset : item.offset + item.length] for item in found]


def test_offsets_index_the_original_string_through_marks_emoji_and_crlf() -> None:
    """Python characters: a combining accent and an emoji count one each, CRLF two."""
    text = "Cafe\u0301 👍🏽 ok\r\nThe recieve\r\n\r\ncafé wierd 🇩🇪 teh"
    found = check(text, "en")
    assert [item.word for item in found] == ["recieve", "wierd", "teh"]
    assert _at(text, found) == ["recieve", "wierd", "teh"]


def test_a_word_written_with_a_combining_accent_is_one_word() -> None:
    """NFD "café" (e + U+0301) is looked up as "café", and reported whole when wrong."""
    text = "Le cafe\u0301 est pre\u0302t, mais le cafe\u0301zz non."
    found = check(text, "fr")
    assert [item.word for item in found] == ["cafe\u0301zz"]
    assert _at(text, found) == ["cafe\u0301zz"]


def test_numbers_emails_urls_acronyms_and_words_with_digits_are_skipped() -> None:
    text = (
        "Pay 1,250.00 by 2027-01-31 to xqzv@exmple.com, see https://exmple.org/zzqx and "
        "www.qqxz.com/a; the NATO and QQXZ teams, item A4b7 and 3rd zzqx_id."
    )
    assert check(text, "en") == []


def test_suggestions_put_fewer_edits_first_then_the_more_frequent_word() -> None:
    words = vocabulary("en")
    found = check("I will recieve it", "en")[0]
    assert found.suggestions[0] == "receive"
    counts = [words.counts[item] for item in found.suggestions]
    assert counts == sorted(counts, reverse=True)
    # Nothing one edit away: two edits away answer.
    assert check("extrrordinarilly", "en")[0].suggestions[0] == "extraordinarily"


def test_suggestions_follow_the_capital_of_the_word() -> None:
    assert check("Recieve it", "en")[0].suggestions[0] == "Receive"


@pytest.mark.parametrize(
    ("language", "text", "typo", "meant"),
    [
        ("en", "Please find the invoce attached.", "invoce", "invoice"),
        ("ru", "Просим оплатить счёт в течение десяти рабочих днеи.", "днеи", "дней"),
        ("de", "Im Anhang finden Sie die Rechnnug.", "Rechnnug", "Rechnung"),
        ("fr", "Vous trouverez ci-joint la factrue.", "factrue", "facture"),
        ("es", "Adjuntamos la factura del mes pasdo.", "pasdo", "pasado"),
        ("pt", "Enviamos em anexo a fatura do mês pasado.", "pasado", "passado"),
        ("it", "In allegato trova la fatura del mese scorso.", "fatura", "fattura"),
    ],
)
def test_a_letters_typo_comes_back_with_the_meant_word_in_each_language(
    language: str, text: str, typo: str, meant: str
) -> None:
    found = check(text, language)
    assert [item.word for item in found] == [typo]
    assert meant in found[0].suggestions  # the five best; bench/spell.py measures the first


def test_russian_words_with_or_without_yo_are_both_right() -> None:
    assert check("Направляем счёт и счет, ещё и еще.", "ru") == []


def test_elisions_and_hyphenated_compounds_are_right_when_their_parts_are() -> None:
    assert check("L'homme est arrivé aujourd'hui, c'est-à-dire lundi.", "fr") == []
    assert check("Pode contactar-nos amanhã.", "pt") == []
    assert check("L'ufficio dell'anno scorso.", "it") == []


def test_accepted_words_and_excluded_names_pass() -> None:
    text = "Kontorix sent Wojcikowsky a quotte."
    asked: list[set[str]] = []

    def names(keys: set[str]) -> set[str]:
        asked.append(set(keys))
        return {"wojcikowsky"}

    found = check(text, "en", accepted=frozenset({"kontorix"}), exclude=names)
    assert [item.word for item in found] == ["quotte"]
    # Asked once, about the unknown words written with a capital only.
    assert asked == [{"wojcikowsky"}]


def test_known_words_never_reach_candidate_generation(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path: a text of known words costs lookups only."""
    suggested: list[str] = []
    original = spelling.Vocabulary.suggest_within

    def counting(
        self: spelling.Vocabulary, key: str, limit: int, *, two_edits: bool
    ) -> tuple[list[str], bool]:
        suggested.append(key)
        return original(self, key, limit, two_edits=two_edits)

    monkeypatch.setattr(spelling.Vocabulary, "suggest_within", counting)
    assert check("the quick brown fox jumps over the lazy dog " * 50, "en") == []
    assert suggested == []
    check("teh teh teh", "en")
    assert suggested == ["teh"]  # once per distinct word


def test_a_vocabulary_loads_once_per_process() -> None:
    assert vocabulary("de") is vocabulary("de")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(UnsupportedLanguage):
        check("hello", "xx")
    assert set(LANGUAGES) == {"en", "ru", "de", "fr", "es", "pt", "it"}


def test_a_text_of_gibberish_costs_a_bounded_amount(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every unknown word is reported; suggestions stop at the check's budget."""
    monkeypatch.setattr(spelling, "MAX_SUGGESTED", 3)
    monkeypatch.setattr(spelling, "MAX_TWO_EDIT_SCANS", 1)
    text = "qzxv qzxw qzxy qzxz qzqq " + "x" * 5000
    found = check(text, "en")
    assert [item.word for item in found][:5] == ["qzxv", "qzxw", "qzxy", "qzxz", "qzqq"]
    assert found[-1].length == 5000 and found[-1].suggestions == []
    assert found[3].suggestions == [] and found[4].suggestions == []
