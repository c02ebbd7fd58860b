"""Dates, numbers and amounts in the locale a template names, and amounts in words.

A template names its locale once (`{% set locale = 'ru' %}`) or per value (`{{ x|money('EUR',
'de') }}`); without either, English. The filters take plain values (dates, decimals, numbers),
never objects with behaviour, and answer text.
"""

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime
from babel.numbers import format_currency, format_decimal
from jinja2 import pass_context
from jinja2.exceptions import TemplateRuntimeError
from jinja2.runtime import Context, Undefined
from num2words import num2words

DEFAULT_LOCALE = "en"
DATE_FORMATS = ("short", "medium", "long", "full")


def _blank(value: Any) -> bool:
    """Nothing to format: empty, or a variable the render was not given."""
    return value is None or value == "" or isinstance(value, Undefined)


def _locale(context: Context, explicit: str | None) -> str:
    name = explicit or context.resolve_or_missing("locale")
    if not isinstance(name, str) or not name:
        return DEFAULT_LOCALE
    try:
        Locale.parse(name.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise TemplateRuntimeError(f"Unknown locale '{name[:20]}'.") from error
    return name.replace("-", "_")


def _number(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise TemplateRuntimeError("A number was expected, not a yes/no value.")
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise TemplateRuntimeError(f"'{str(value)[:40]}' is not a number.") from error


def _date(value: Any) -> datetime.date | datetime.datetime:
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise TemplateRuntimeError(f"'{str(value)[:40]}' is not a date.")


@pass_context
def date_filter(
    context: Context, value: Any, format: str = "medium", locale: str | None = None
) -> str:
    """`{{ today|date }}`, `{{ deal.signed|date('long', 'de') }}`; a format is short, medium,
    long, full or a CLDR pattern such as dd.MM.yyyy."""
    if _blank(value):
        return ""
    moment = _date(value)
    name = _locale(context, locale)
    if len(format) > 40:
        raise TemplateRuntimeError("The date format is too long.")
    if isinstance(moment, datetime.datetime):
        return str(format_datetime(moment, format=format, locale=name))
    return str(format_date(moment, format=format, locale=name))


@pass_context
def number_filter(context: Context, value: Any, locale: str | None = None) -> str:
    """`{{ item.quantity|number }}`: grouped digits and the locale's decimal sign."""
    if _blank(value):
        return ""
    return str(format_decimal(_number(value), locale=_locale(context, locale)))


@pass_context
def money_filter(
    context: Context, value: Any, currency: str | None = None, locale: str | None = None
) -> str:
    """`{{ deal.amount|money(deal.currency) }}`: two decimals, with the currency's sign when one
    is named."""
    if _blank(value):
        return ""
    amount = _number(value)
    name = _locale(context, locale)
    if currency:
        return str(format_currency(amount, str(currency)[:3], locale=name))
    return str(format_decimal(amount, format="#,##0.00", locale=name))


# num2words names its languages by their two letters, a few by region.
def _words_language(locale: str) -> str:
    return locale.split("_")[0]


@pass_context
def in_words_filter(
    context: Context, value: Any, currency: str | None = None, locale: str | None = None
) -> str:
    """`{{ deal.amount|in_words('RUB') }}`: the amount in words (`to='currency'` when a currency
    is named: roubles and kopecks, euros and cents), else the number in words."""
    if _blank(value):
        return ""
    amount = _number(value)
    if abs(amount) >= 10**15:
        raise TemplateRuntimeError("The number is too large to write in words.")
    language = _words_language(_locale(context, locale))
    try:
        if currency:
            return str(num2words(amount, lang=language, to="currency", currency=str(currency)))
        return str(num2words(amount, lang=language))
    except NotImplementedError as error:
        raise TemplateRuntimeError(
            f"Amounts in words are not available for '{language}'"
            + (f" in {currency}." if currency else ".")
        ) from error
    except (KeyError, ValueError, TypeError, OverflowError) as error:
        raise TemplateRuntimeError(f"Cannot write {amount} in words: {error}") from error


FILTERS = {
    "date": date_filter,
    "number": number_filter,
    "money": money_filter,
    "in_words": in_words_filter,
}
