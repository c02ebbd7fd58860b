"""E-mail addresses, phone numbers, amounts and currencies: stored in one spelling, or refused
with 400 naming the field and nothing written, on create, update and conversion alike."""

from typing import Any

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Company, Contact, Deal, Lead
from tests.crm.helpers import CRM, create, define

pytestmark = pytest.mark.rolled_back


def test_an_email_is_trimmed_and_its_domain_lower_cased(alice: APIClient) -> None:
    lead = create(alice, "leads", title="T", email="  Ann.Lee@ACME.Example ")
    assert lead["email"] == "Ann.Lee@acme.example"
    assert Lead.objects.get().email == "Ann.Lee@acme.example"


@pytest.mark.parametrize("email", ["ann", "ann@", "@acme.example", "ann@acme", "a b@acme.example"])
def test_a_malformed_email_is_refused_and_nothing_is_created(alice: APIClient, email: str) -> None:
    response = alice.post(f"{CRM}/contacts/", {"name": "Ann", "email": email}, format="json")
    assert response.status_code == 400 and "email" in response.json()["errors"]
    assert not Contact.objects.exists()


def test_a_phone_number_is_stored_in_e164_read_in_the_default_region(alice: APIClient) -> None:
    """Without a country code, the number is read in `KONTOR_PHONE_REGION`."""
    with override_settings(KONTOR_PHONE_REGION="DE"):
        local = create(alice, "companies", title="Acme", phone="030 1234567")
    assert local["phone"] == "+49301234567"
    with override_settings(KONTOR_PHONE_REGION="US"):
        american = create(alice, "companies", title="Initech", phone="(202) 555-0100")
        international = create(alice, "companies", title="Roga", phone="+7 495 123-45-67")
    assert american["phone"] == "+12025550100"
    assert international["phone"] == "+74951234567"


@pytest.mark.parametrize("phone", ["12", "call me", "+1 555 0100", "+999 123456"])
def test_an_invalid_phone_number_is_refused_naming_the_field(alice: APIClient, phone: str) -> None:
    response = alice.post(f"{CRM}/leads/", {"title": "T", "phone": phone}, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == ["phone"]
    assert not Lead.objects.exists()


def test_an_update_normalises_and_refuses_too(alice: APIClient) -> None:
    contact = create(alice, "contacts", name="Ann")
    url = f"{CRM}/contacts/{contact['id']}/"
    changed = alice.patch(url, {"phone": "+49 (30) 123 4567"}, format="json")
    assert changed.status_code == 200 and changed.json()["phone"] == "+49301234567"
    refused = alice.patch(url, {"phone": "0", "name": "Anna"}, format="json")
    assert refused.status_code == 400 and "phone" in refused.json()["errors"]
    stored = Contact.objects.get()
    assert (stored.name, stored.phone) == ("Ann", "+49301234567")  # nothing of it saved
    assert AuditEvent.objects.filter(action="contact.update").count() == 1


@pytest.mark.parametrize(
    ("amount", "currency", "stored"),
    [("1200.5", "EUR", "1200.50"), ("1200", "JPY", "1200.00"), (1500, "USD", "1500.00")],
)
def test_an_amount_is_a_decimal_in_an_iso_4217_currency(
    alice: APIClient, amount: Any, currency: str, stored: str
) -> None:
    deal = create(alice, "deals", title="Desks", amount=amount, currency=currency)
    assert deal["amount"] == stored and deal["currency"] == currency
    assert str(Deal.objects.get().amount) == stored


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "10.00", "currency": "EUR", "title": "T", "stage": "new"}, None),
        ({"amount": "1200.50", "currency": "JPY"}, "amount"),
        ({"amount": "10", "currency": "ZZZ"}, "currency"),
        ({"amount": "10", "currency": "XXX"}, "currency"),
        ({"amount": "1e400", "currency": "EUR"}, "amount"),
    ],
)
def test_an_unknown_currency_or_too_fine_an_amount_is_refused(
    alice: APIClient, body: dict[str, Any], field: str | None
) -> None:
    response = alice.post(f"{CRM}/deals/", {"title": "Desks", **body}, format="json")
    if field is None:
        assert response.status_code == 201
        return
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Deal.objects.exists()


def test_changing_a_deals_currency_checks_its_amount(alice: APIClient) -> None:
    deal = create(alice, "deals", title="Desks", amount="10.50", currency="EUR")
    url = f"{CRM}/deals/{deal['id']}/"
    refused = alice.patch(url, {"currency": "JPY"}, format="json")
    assert refused.status_code == 400 and "amount" in refused.json()["errors"]
    assert Deal.objects.get().currency == "EUR"
    assert alice.patch(url, {"amount": "11", "currency": "JPY"}, format="json").status_code == 200


def test_conversion_values_are_checked_and_nothing_is_created(alice: APIClient) -> None:
    lead = create(alice, "leads", title="Desks", name="Ann", company_title="Acme")
    url = f"{CRM}/leads/{lead['id']}/convert/"
    body: dict[str, Any] = {
        "create": ["contact", "company", "deal"],
        "values": {
            "contact": {"email": "nobody"},
            "deal": {"amount": "10.5", "currency": "eur"},
        },
    }
    refused = alice.post(url, body, format="json")
    assert refused.status_code == 400, refused.content
    assert "values.contact.email" in refused.json()["errors"]
    assert not (Contact.objects.exists() or Company.objects.exists() or Deal.objects.exists())
    body["values"]["contact"] = {"email": "Ann@ACME.example", "phone": "030 1234567"}
    with override_settings(KONTOR_PHONE_REGION="DE"):
        made = alice.post(url, body, format="json")
    assert made.status_code == 201, made.content
    contact = Contact.objects.get()
    assert (contact.email, contact.phone) == ("Ann@acme.example", "+49301234567")
    deal = Deal.objects.get()
    assert (str(deal.amount), deal.currency) == ("10.50", "EUR")


def test_conversion_refuses_an_unknown_currency(alice: APIClient) -> None:
    lead = create(alice, "leads", title="Desks")
    body = {"create": ["deal"], "values": {"deal": {"amount": 10, "currency": "ABC"}}}
    refused = alice.post(f"{CRM}/leads/{lead['id']}/convert/", body, format="json")
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["values.deal.currency"]
    assert Lead.objects.get().status == "new"


@pytest.mark.parametrize(
    ("type", "good", "stored", "bad"),
    [
        ("number", "12.5", 12.5, "twelve"),
        ("number", -3, -3, "1e400"),
        ("number", "1e3", 1000, "NaN"),
        ("date", "2026-03-01", "2026-03-01", "01.03.2026"),
        ("boolean", True, True, "yes"),
    ],
)
def test_custom_values_of_each_type_are_checked(
    alice: APIClient, admin: APIClient, type: str, good: Any, stored: Any, bad: Any
) -> None:
    define(admin, "company", "extra", type=type)
    refused = alice.post(
        f"{CRM}/companies/", {"title": "Acme", "fields": {"extra": bad}}, format="json"
    )
    assert refused.status_code == 400 and "fields.extra" in refused.json()["errors"]
    made = create(alice, "companies", title="Acme", fields={"extra": good})
    assert made["fields"] == {"extra": stored}


def test_a_list_value_must_be_an_item_of_its_own_list(alice: APIClient, admin: APIClient) -> None:
    size = define(admin, "company", "size", type="list", items=["Small", "Large"])
    other = define(admin, "deal", "grade", type="list", items=["A"])
    foreign = other["items"][0]["id"]
    refused = alice.post(
        f"{CRM}/companies/", {"title": "Acme", "fields": {"size": foreign}}, format="json"
    )
    assert refused.status_code == 400 and "fields.size" in refused.json()["errors"]
    small = size["items"][0]["id"]
    assert create(alice, "companies", title="Acme", fields={"size": small})["fields"] == {
        "size": small
    }
