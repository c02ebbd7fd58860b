"""Contact details and money as a CRM record stores them: one spelling per address, number and
amount, whichever way (API, page, conversion) they arrive.

An e-mail address is trimmed and its domain lower-cased (the part before `@` is the mailbox's
own and keeps its case); a phone number is stored in E.164 (`+4930123456`), read in the region
`KONTOR_PHONE_REGION` when written without a country code; an amount is a decimal with no more
places than its currency's minor unit (JPY none, EUR two; stored to the cent at most, so a
currency with three places is kept to two), and a currency is an ISO 4217 code. What does not
fit answers 400 naming the field, and nothing is written.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from iso4217 import Currency

from core.errors import Invalid

EMAIL_FIELDS = ("email",)
PHONE_FIELDS = ("phone",)
STORED_PLACES = 2  # the deal's `amount` column
MAX_AMOUNT = Decimal(10) ** 16  # 18 digits, two of them after the point
# Codes ISO 4217 keeps for tests and for "no currency": no deal is priced in them.
NOT_PRICES = {"XTS", "XXX"}


def normalise_email(raw: str) -> str:
    """`raw` trimmed with its domain lower-cased; ValueError when it is no e-mail address."""
    text = raw.strip()
    if not text:
        return ""
    mailbox, at, domain = text.rpartition("@")
    address = f"{mailbox}{at}{domain.lower()}"
    try:
        validate_email(address)
    except ValidationError:
        raise ValueError("Enter a valid e-mail address.") from None
    return address


def phone_region() -> str:
    return str(getattr(settings, "KONTOR_PHONE_REGION", "") or "").upper()


def normalise_phone(raw: str) -> str:
    """`raw` in E.164; ValueError when it is no valid number (in the default region when it
    has no country code)."""
    text = raw.strip()
    if not text:
        return ""
    region = phone_region() or None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise ValueError(
            "Enter a phone number with its country code (e.g. +49 30 1234567)."
        ) from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("This is not a valid phone number.")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def currency_places(code: str) -> int:
    """How many places an amount in `code` may have; ValueError for a code ISO 4217 lacks."""
    if code in NOT_PRICES or len(code) != 3 or not code.isalpha() or not code.isupper():
        raise ValueError(f"'{code}' is not an ISO 4217 currency code (e.g. EUR).")
    try:
        exponent = Currency(code).exponent
    except ValueError:
        raise ValueError(f"'{code}' is not an ISO 4217 currency code (e.g. EUR).") from None
    return min(STORED_PLACES if exponent is None else exponent, STORED_PLACES)


def normalise_amount(raw: Any, currency: str) -> Decimal | None:
    """`raw` (text, or a JSON number read through its shortest spelling, so 0.1 stays 0.1) as a
    decimal of the currency's places; ValueError saying why not."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValueError("Enter an amount such as 1200.50.")
    try:
        amount = Decimal(raw.strip() if isinstance(raw, str) else str(raw))
    except InvalidOperation:
        raise ValueError("Enter an amount such as 1200.50.") from None
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        raise ValueError("Enter an amount such as 1200.50.")
    places = currency_places(currency) if currency else STORED_PLACES
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        unit = f"{currency} amounts" if currency else "Amounts"
        raise ValueError(
            f"{unit} have at most {places} decimal places."
            if places
            else f"{unit} have no decimal places."
        )
    return amount.quantize(Decimal(1).scaleb(-STORED_PLACES))


def clean_details(data: dict[str, Any], *, current: Any = None, prefix: str = "") -> dict[str, Any]:
    """`data` (a record's built-in values) with its e-mail, phone, amount and currency in their
    stored form; 400 naming each field that does not fit (`prefix` + name). On an update,
    `current` is the record: a new currency checks its amount and a new amount its currency."""
    cleaned = dict(data)
    errors: dict[str, list[str]] = {}
    for name in (*EMAIL_FIELDS, *PHONE_FIELDS):
        value = data.get(name)
        if value is None or name not in data:
            continue
        if not isinstance(value, str):
            errors[prefix + name] = ["Expected text."]
            continue
        try:
            normalise = normalise_email if name in EMAIL_FIELDS else normalise_phone
            cleaned[name] = normalise(value)
        except ValueError as error:
            errors[prefix + name] = [str(error)]
    if "amount" in data or "currency" in data:
        currency = data["currency"] if "currency" in data else getattr(current, "currency", "")
        currency = "" if currency is None else currency
        if not isinstance(currency, str):
            errors[prefix + "currency"] = ["Expected text."]
        else:
            currency = currency.strip().upper()
            try:
                if currency:
                    currency_places(currency)
                if "currency" in data:
                    cleaned["currency"] = currency
            except ValueError as error:
                errors[prefix + "currency"] = [str(error)]
            else:
                amount = data["amount"] if "amount" in data else getattr(current, "amount", None)
                try:
                    checked = normalise_amount(amount, currency)
                except ValueError as error:
                    errors[prefix + "amount"] = [str(error)]
                else:
                    if "amount" in data:
                        cleaned["amount"] = checked
    if errors:
        raise Invalid(errors, code="invalid_fields")
    return cleaned
