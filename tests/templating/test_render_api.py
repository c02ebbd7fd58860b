"""Filling templates from CRM records: the context, locales, words, visibility, saving as a
linked document, the PDF print form."""

import io
from typing import Any

import pytest
from django.test import override_settings
from pypdf import PdfReader
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, DocumentLink
from templating.models import TemplateRender
from templating.printing import soffice
from tests.crm.helpers import CRM, create, define
from tests.helpers import streamed
from tests.permissions.acl_helpers import entry, grant, make_folder
from tests.templating.helpers import make_template, paragraphs_of, render, table_of

pytestmark = pytest.mark.rolled_back

CONTRACT = (
    "Contract {{ deal.title }} with {{ company.title }}, TIN {{ company.tin }}",
    "Contact: {{ contact.full_name }} <{{ contact.email }}>; region {{ deal.region }}",
    "Total {{ deal.amount|money(deal.currency) }} ({{ deal.amount|in_words(deal.currency) }})",
)
ROWS = [
    "{{ item.number }}",
    "{{ item.name }}",
    "{{ item.quantity|number }}",
    "{{ item.unit_price|money }}",
    "{{ item.amount|money }}",
]


def _deal(alice: APIClient, admin: APIClient, **extra: Any) -> dict[str, Any]:
    define(admin, "company", "tin")
    define(admin, "deal", "region", "list", items=["North", "South"])
    region = admin.get(f"{CRM}/fields/?entity=deal").json()["results"][0]["items"][0]["id"]
    company = create(alice, "companies", title="Acme Ltd", fields={"tin": "7701234567"})
    contact = create(
        alice,
        "contacts",
        name="Ann",
        last_name="Lee",
        email="ann@example.com",
        company=company["id"],
    )
    deal = create(
        alice,
        "deals",
        title="Office chairs",
        amount="1234.50",
        currency="EUR",
        contact=contact["id"],
        company=company["id"],
        fields={"region": region},
        **extra,
    )
    items = alice.put(
        f"{CRM}/deals/{deal['id']}/items/",
        {
            "items": [
                {"name": "Chair", "quantity": "10", "unit_price": "99.95"},
                {"name": "Desk <large>", "quantity": "1.5", "unit_price": "235.00"},
            ]
        },
        format="json",
    )
    assert items.status_code == 200, items.content
    return deal


def test_a_deal_fills_the_contract_with_its_contact_company_custom_fields_and_items(
    alice: APIClient, admin: APIClient
) -> None:
    deal = _deal(alice, admin)
    template = make_template(admin, *CONTRACT, rows=ROWS)
    response = render(alice, template["id"], deal=deal["id"])
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert paragraphs_of(response.content) == [
        "Contract Office chairs with Acme Ltd, TIN 7701234567",
        "Contact: Ann Lee <ann@example.com>; region North",
        "Total €1,234.50 (one thousand, two hundred and thirty-four euro, fifty cents)",
    ]
    assert table_of(response.content) == [
        ["No", "Item", "Qty", "Price", "Amount"],
        ["1", "Chair", "10", "99.95", "999.50"],
        ["2", "Desk <large>", "1.5", "235.00", "352.50"],
    ]
    render_row = TemplateRender.objects.get()
    assert render_row.version.number == 1 and render_row.records == {"deal": deal["id"]}
    event = AuditEvent.objects.get(action="template.render")
    assert event.details["version"] == 1 and event.details["records"] == {
        "deal": f"deal:{deal['id']}"
    }


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "ru",
            "1\xa0234,50\xa0€ (одна тысяча двести тридцать четыре евро, пятьдесят центов) "
            "28 ноября 2026\u202fг.",  # noqa: RUF001
        ),
        (
            "de",
            "1.234,50\xa0€ (eintausendzweihundertvierunddreißig Euro und fünfzig Cent) "
            "28. November 2026",
        ),
        (
            "en",
            "€1,234.50 (one thousand, two hundred and thirty-four euro, fifty cents) "
            "November 28, 2026",
        ),
    ],
)
def test_amounts_and_dates_follow_the_locale_the_template_names(
    alice: APIClient, admin: APIClient, locale: str, expected: str
) -> None:
    deal = create(alice, "deals", title="T", amount="1234.50", currency="EUR")
    template = make_template(
        admin,
        f"{{% set locale = '{locale}' %}}{{{{ deal.amount|money(deal.currency) }}}} "
        "({{ deal.amount|in_words(deal.currency) }}) {{ signed|date('long') }}",
    )
    response = render(alice, template["id"], deal=deal["id"], context={"signed": "2026-11-28"})
    assert response.status_code == 200, response.content
    assert paragraphs_of(response.content) == [expected]


def test_a_filter_argument_names_the_locale_for_one_value(
    alice: APIClient, admin: APIClient
) -> None:
    template = make_template(
        admin, "{{ n|number('de') }} / {{ n|number }} / {{ n|in_words(none, 'ru') }}"
    )
    response = render(alice, template["id"], context={"n": 1234567})
    assert paragraphs_of(response.content) == [
        "1.234.567 / 1,234,567 / один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь"
    ]


def test_the_request_context_today_and_the_user_fill_in(alice: APIClient, admin: APIClient) -> None:
    template = make_template(admin, "{{ place }}|{{ user.username }}|{{ today.year > 2000 }}")
    response = render(alice, template["id"], context={"place": "Berlin"})
    assert paragraphs_of(response.content) == ["Berlin|alice|True"]
    refused = render(alice, template["id"], context={"deal": {"title": "forged"}})
    assert refused.status_code == 400


def test_a_record_the_caller_cannot_see_answers_404_and_nothing_is_rendered(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    deal = create(alice, "deals", title="Secret")
    company = create(alice, "companies", title="Hidden Co")
    template = make_template(admin, "{{ deal.title }}{{ company.title }}")
    for kind, record in (("deal", deal), ("company", company)):
        response = render(bob, template["id"], **{kind: record["id"]})
        assert response.status_code == 404, response.content
        assert "Secret" not in response.content.decode()
    assert render(bob, template["id"], deal=2**62).status_code == 404
    assert not AuditEvent.objects.filter(action="template.render").exists()


def test_a_deal_brings_along_only_the_records_the_caller_sees(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    company = create(alice, "companies", title="Alice's company")
    deal = create(bob, "deals", title="Bob's deal")
    admin.patch(f"{CRM}/deals/{deal['id']}/", {"company": company["id"]}, format="json")
    template = make_template(admin, "[{{ deal.title }}|{{ company.title }}]")
    response = render(bob, template["id"], deal=deal["id"])
    assert response.status_code == 200, response.content
    assert paragraphs_of(response.content) == ["[Bob's deal|]"]


def test_saving_stores_a_document_linked_to_the_records_in_the_folder(
    alice: APIClient, admin: APIClient
) -> None:
    deal = _deal(alice, admin)
    folder = make_folder(alice, "Contracts")
    template = make_template(admin, *CONTRACT, rows=ROWS)
    response = render(
        alice, template["id"], deal=deal["id"], save=True, folder=folder, title="Chairs contract"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    document = Document.objects.get(pk=body["id"])
    assert document.title == "Chairs contract" and document.folder_id == folder
    assert document.owner.username == "alice"
    assert document.current_version is not None
    assert document.current_version.filename == "Chairs contract.docx"
    links = set(
        DocumentLink.objects.filter(document=document).values_list("target_type", "target_id")
    )
    assert links == {("deal", deal["id"])}
    event = AuditEvent.objects.get(action="template.render")
    assert event.details["document"] == document.pk and event.actor_username == "alice"
    assert TemplateRender.objects.get().document_id == document.pk
    detail = alice.get(f"{CRM}/deals/{deal['id']}/").json()
    assert [d["id"] for d in detail["documents"]] == [document.pk]
    downloaded = streamed(alice.get(f"/api/v1/documents/{document.pk}/download/"))
    assert paragraphs_of(downloaded)[0] == "Contract Office chairs with Acme Ltd, TIN 7701234567"


def test_saving_into_a_folder_the_caller_may_not_add_to_is_refused(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    folder = make_folder(alice, "Alice only")
    viewed = make_folder(alice, "Viewed")
    grant(alice, "folders", viewed, entry("user:bob", "view"))
    template = make_template(admin, "Hello")
    assert render(bob, template["id"], save=True, folder=folder).status_code == 404
    assert render(bob, template["id"], save=True, folder=viewed).status_code == 403
    assert not Document.objects.filter(owner__username="bob").exists()
    assert not AuditEvent.objects.filter(action="template.render").exists()


def test_a_template_failing_at_render_saves_nothing(alice: APIClient, admin: APIClient) -> None:
    template = make_template(admin, "{{ amount|money }}")
    response = render(alice, template["id"], context={"amount": "lots"}, save=True)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "template_render"
    assert not Document.objects.exists()


def test_deal_items_are_read_and_replaced_by_those_who_see_the_deal(
    alice: APIClient, bob: APIClient
) -> None:
    deal = create(alice, "deals", title="T")
    url = f"{CRM}/deals/{deal['id']}/items/"
    assert bob.get(url).status_code == 404
    assert bob.put(url, {"items": []}, format="json").status_code == 404
    bad = alice.put(
        url, {"items": [{"name": "", "quantity": "1", "unit_price": "1"}]}, format="json"
    )
    assert bad.status_code == 400
    done = alice.put(
        url, {"items": [{"name": "A", "quantity": "3", "unit_price": "0.335"}]}, format="json"
    )
    assert done.status_code == 400  # two decimals at most for a price
    done = alice.put(
        url, {"items": [{"name": "A", "quantity": "3", "unit_price": "0.35"}]}, format="json"
    )
    assert done.status_code == 200 and done.json()["items"][0]["amount"] == "1.05"
    assert AuditEvent.objects.filter(action="deal.update", object_id=str(deal["id"])).exists()


needs_office = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) not installed")


@needs_office
def test_the_pdf_print_form_is_saved_as_a_linked_document(
    alice: APIClient, admin: APIClient
) -> None:
    deal = _deal(alice, admin)
    template = make_template(admin, *CONTRACT, rows=ROWS)
    response = render(alice, template["id"], deal=deal["id"], format="pdf", save=True)
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert document.current_version is not None
    assert document.current_version.mime_type == "application/pdf"
    content = streamed(alice.get(f"/api/v1/documents/{document.pk}/download/"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Contract Office chairs with Acme Ltd" in text and "352.50" in text
    assert DocumentLink.objects.filter(document=document, target_type="deal").exists()


@override_settings(KONTOR_SOFFICE="kontor-no-such-office")
def test_pdf_without_libreoffice_answers_503_and_saves_nothing(
    alice: APIClient, admin: APIClient
) -> None:
    template = make_template(admin, "Hello")
    response = render(alice, template["id"], format="pdf", save=True)
    assert response.status_code == 503, response.content
    assert response.json()["code"] == "pdf_unavailable"
    assert "LibreOffice" in response.json()["detail"]
    assert not Document.objects.exists()


def test_the_render_response_carries_the_spell_report_of_the_generated_text(
    alice: APIClient, admin: APIClient
) -> None:
    deal = _deal(alice, admin)
    letter = (
        "Dear customer, we are pleased to confirm the delivery of {{ deal.title }} "
        "next week. Please recieve our warm regards and do not hesitate to contact us.",
    )
    template = make_template(admin, *letter)
    saved = render(alice, template["id"], deal=deal["id"], save=True)
    assert saved.status_code == 201, saved.content
    report = saved.json()["spelling"]
    assert report["language"] == "en"
    words = {error["word"]: error for error in report["errors"]}
    assert set(words) == {"recieve"}
    assert "receive" in words["recieve"]["suggestions"]
    # the offset indexes the generated text, where the deal's title was filled in
    document = saved.json()["id"]
    text = alice.get(f"/api/v1/documents/{document}/text/").json()["text"]
    error = words["recieve"]
    assert text[error["offset"] : error["offset"] + error["length"]] == "recieve"

    handed = render(alice, template["id"], deal=deal["id"])
    assert handed.status_code == 200
    assert handed["X-Spelling-Errors"] == "1"
