"""The language a paragraph is checked in: the search index's detector, extended to the
spell-checker's languages (Portuguese and Italian, which the index does not tell apart)."""

import pytest

from search.records import OTHER_LANGUAGE, detect_language, detect_language_among
from templating.spelling import LANGUAGES

SAMPLES = {
    "en": "Dear customer, thank you for your order; please find attached the invoice for last month.",
    "ru": "Уважаемый клиент, благодарим вас за заказ и направляем счёт за прошлый месяц.",
    "de": "Sehr geehrte Frau Schmidt, vielen Dank für Ihre Bestellung der letzten Woche.",
    "fr": "Madame, nous vous remercions de votre commande de la semaine dernière.",
    "es": "Estimado cliente, le agradecemos su pedido y le enviamos adjunta la factura del mes pasado.",
    "pt": "Prezado senhor, agradecemos o seu pedido e enviamos em anexo a fatura referente aos "
    "serviços prestados no mês passado. Não hesite em contactar-nos.",
    "it": "Gentile cliente, la ringraziamo per il suo ordine e le inviamo in allegato la fattura "
    "relativa ai servizi prestati nel mese scorso. Non esiti a contattarci.",
}


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_each_language_of_the_spell_checker_is_told(language: str) -> None:
    assert detect_language_among(SAMPLES[language], LANGUAGES) == language


def test_the_search_index_detector_answers_as_before_for_its_own_languages() -> None:
    for language in ("en", "ru", "de", "fr", "es"):
        assert detect_language(SAMPLES[language]) == language
    assert detect_language_among(SAMPLES["de"], ("en", "ru", "de", "fr", "es")) == "de"


def test_too_little_text_or_another_script_is_other() -> None:
    assert detect_language_among("Dear Sir,", LANGUAGES) == OTHER_LANGUAGE
    assert (
        detect_language_among("这是一个测试文件，用于检查语言检测是否正常工作。", LANGUAGES)
        == OTHER_LANGUAGE
    )
