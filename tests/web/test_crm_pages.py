"""The CRM pages: lists, record pages, forms and the lead's conversion, through the API's services."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Company, Contact, Deal, Lead, LeadStatus
from tests.crm.helpers import create, define
from tests.web.pages import (
    api_document,
    body_rows,
    buttons,
    errors_of,
    page_client,
    signed_in,
    text,
)
from tests.web.pages import submit as _submit

pytestmark = pytest.mark.rolled_back


def submit(client: Client, page: str, action: str, fields: dict[str, Any]) -> Any:
    return _submit(client, page, action, fields)


KINDS = ("leads", "contacts", "companies", "deals")


def _records(alice: APIClient) -> dict[str, int]:
    return {
        "leads": create(alice, "leads", title="Office move", name="Ann")["id"],
        "contacts": create(alice, "contacts", name="Ann", last_name="Lee")["id"],
        "companies": create(alice, "companies", title="Acme")["id"],
        "deals": create(alice, "deals", title="Desks")["id"],
    }


def test_the_owner_sees_lists_and_pages_and_a_stranger_the_404_page(
    users: dict[str, User], alice: APIClient
) -> None:
    ids = _records(alice)
    owner = page_client(users["alice"])
    stranger = page_client(users["bob"])
    assert owner.get("/crm/")["Location"] == "/crm/leads/"
    for kind, record_id in ids.items():
        listing = owner.get(f"/crm/{kind}/")
        assert listing.status_code == 200
        assert f'href="{record_id}/"' in text(listing)
        assert 'aria-current="page">CRM</a>' in text(listing)
        page = owner.get(f"/crm/{kind}/{record_id}/")
        assert page.status_code == 200
        assert owner.get(f"/crm/{kind}/{record_id}/edit/").status_code == 200

        assert body_rows(stranger.get(f"/crm/{kind}/").content) == [[f"No {kind} here yet."]]
        for path in (f"/crm/{kind}/{record_id}/", f"/crm/{kind}/{record_id}/edit/"):
            assert stranger.get(path).status_code == 404, path
    lead_page = text(owner.get(f"/crm/leads/{ids['leads']}/"))
    assert "<h1>Office move</h1>" in lead_page
    assert {"Convert", "Mark as junk"} <= set(buttons(lead_page))
    assert "Generate document" in buttons(text(owner.get(f"/crm/deals/{ids['deals']}/")))
    generate = owner.get(f"/crm/deals/{ids['deals']}/generate/")
    assert "No templates yet" in text(generate)
    assert stranger.get(f"/crm/deals/{ids['deals']}/generate/").status_code == 404
    # A stranger's refused look is recorded as the API records it.
    assert AuditEvent.objects.filter(action="access_denied", object_type="lead").exists()
    # The stranger cannot convert or junk what they cannot see either.
    lead = ids["leads"]
    client = signed_in(users["bob"])  # no CSRF check: the rule itself must refuse the POSTs
    assert client.post(f"/crm/leads/{lead}/conversion/", {"create": "deal"}).status_code == 404
    assert client.post(f"/crm/leads/{lead}/junk/").status_code == 404
    assert Lead.objects.get(pk=lead).status == LeadStatus.NEW


def test_the_list_filters_like_the_api_and_pages(users: dict[str, User], alice: APIClient) -> None:
    for number in range(55):
        create(alice, "leads", title=f"Lead {number:02}")
    create(alice, "leads", title="Warehouse", status="in_progress")
    owner = page_client(users["alice"])
    first = owner.get("/crm/leads/")
    assert "56 leads" in text(first) and "Page 1 of 2" in text(first)
    assert len(body_rows(first.content)) == 50
    second = owner.get("/crm/leads/?page=2")
    assert len(body_rows(second.content)) == 6
    narrowed = owner.get("/crm/leads/?status=in_progress")
    assert [row[0] for row in body_rows(narrowed.content)] == ["Warehouse"]
    assert [row[0] for row in body_rows(owner.get("/crm/leads/?q=lead 07").content)] == ["Lead 07"]
    refused = owner.get("/crm/leads/?status=won")
    assert refused.status_code == 400
    assert "One of" in errors_of(refused.content)


def test_creating_a_record_with_a_missing_required_field_shows_the_error(
    users: dict[str, User], admin: APIClient
) -> None:
    define(admin, "company", "tin", required=True, label="TIN")
    client = page_client(users["alice"])
    listing = text(client.get("/crm/companies/"))
    assert '<label for="id_fields.tin">TIN (required)</label>' in listing

    refused = submit(
        client, "/crm/companies/", "/crm/companies/", {"title": "Acme", "fields.tin": ""}
    )
    assert refused.status_code == 400
    assert "This field is required." in errors_of(refused.content)
    assert 'value="Acme"' in text(refused)  # nothing typed is lost
    assert not Company.objects.exists()

    created = submit(
        client, "/crm/companies/", "/crm/companies/", {"title": "Acme", "fields.tin": "7701"}
    )
    assert created.status_code == 302
    company = Company.objects.get()
    assert company.fields == {"tin": "7701"} and company.owner == users["alice"]
    assert created.url == f"/crm/companies/{company.pk}/"
    assert AuditEvent.objects.filter(action="company.create", object_id=str(company.pk)).exists()
    page = text(client.get(created.url))
    assert "<dt>TIN</dt><dd>7701</dd>" in page

    no_title = submit(
        client, "/crm/companies/", "/crm/companies/", {"title": " ", "fields.tin": "1"}
    )
    assert no_title.status_code == 400 and Company.objects.count() == 1


def test_editing_a_record_goes_through_the_service(
    users: dict[str, User], alice: APIClient
) -> None:
    contact = create(alice, "contacts", name="Ann", email="ann@example.com")["id"]
    client = page_client(users["alice"])
    form = text(client.get(f"/crm/contacts/{contact}/edit/"))
    assert 'value="ann@example.com"' in form
    bad = submit(
        client,
        f"/crm/contacts/{contact}/edit/",
        f"/crm/contacts/{contact}/edit/",
        {"name": "Ann", "email": "x"},
    )
    assert bad.status_code == 400
    saved = submit(
        client,
        f"/crm/contacts/{contact}/edit/",
        f"/crm/contacts/{contact}/edit/",
        {"name": "Anna", "last_name": "Lee"},
    )
    assert saved.status_code == 302
    assert str(Contact.objects.get(pk=contact)) == "Anna Lee"
    assert AuditEvent.objects.filter(action="contact.update", object_id=str(contact)).exists()


def test_converting_a_lead_on_its_page_creates_contact_company_and_deal(
    users: dict[str, User], alice: APIClient
) -> None:
    lead = create(
        alice, "leads", title="Office move", name="Ann", last_name="Lee", company_title="Acme"
    )["id"]
    letter = api_document(alice, b"please move our office", "letter.txt", title="Request letter")
    linked = alice.post(
        f"/api/v1/documents/{letter}/links/",
        {"target_type": "lead", "target_id": lead, "relation": "attachment"},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    client = page_client(users["alice"])
    page = text(client.get(f"/crm/leads/{lead}/"))
    assert f'href="/documents/{letter}/"' in page and "Request letter" in page
    step = text(client.get(f"/crm/leads/{lead}/convert/"))  # the dialog without script
    assert "<dialog" in step and " open " in step and "Convert lead" in buttons(step)
    assert "Convert" not in buttons(step)  # only "Convert lead" while the dialog is open

    done = submit(
        client,
        f"/crm/leads/{lead}/",
        f"/crm/leads/{lead}/conversion/",
        {"create": ["contact", "company", "deal"]},
    )

    assert done.status_code == 302 and done.url == f"/crm/leads/{lead}/"
    converted = Lead.objects.get(pk=lead)
    assert converted.status == LeadStatus.CONVERTED
    deal = Deal.objects.get()
    assert deal.contact == Contact.objects.get() and deal.company == Company.objects.get()
    event = AuditEvent.objects.get(action="lead.convert", object_id=str(lead))
    assert event.details["deal"] == deal.pk
    shown = text(client.get(f"/crm/leads/{lead}/"))
    assert ">Converted into</h2>" in shown
    for url in (f"/crm/contacts/{deal.contact_id}/", f"/crm/companies/{deal.company_id}/"):
        assert f'href="{url}"' in shown
    assert f'href="/crm/deals/{deal.pk}/">Office move</a>' in shown
    assert "Convert" not in buttons(shown) and "Mark as junk" not in buttons(shown)
    assert "Request letter" in text(client.get(f"/crm/deals/{deal.pk}/"))

    again = submit(
        client, f"/crm/leads/{lead}/", f"/crm/leads/{lead}/conversion/", {"create": ["deal"]}
    )
    assert again.status_code == 409 and "converted already" in errors_of(again.content)
    assert Deal.objects.count() == 1


def test_a_missing_required_field_is_asked_for_in_the_dialog(
    users: dict[str, User], alice: APIClient, admin: APIClient
) -> None:
    define(admin, "company", "tin", required=True, label="TIN")
    lead = create(alice, "leads", title="Office move", name="Ann", company_title="Acme")["id"]
    client = page_client(users["alice"])
    chosen = {"create": ["contact", "company", "deal"]}

    asked = submit(client, f"/crm/leads/{lead}/", f"/crm/leads/{lead}/conversion/", chosen)

    assert asked.status_code == 422
    form = text(asked)
    assert re.search(r'<label for="convert-company-tin">TIN</label>', form)
    assert 'name="values.company.tin"' in form
    assert "<dialog" in form and " open " in form
    for target in ("contact", "company", "deal"):
        assert re.search(
            rf'id="convert-create-{target}" name="create" value="{target}" checked', form
        )
    assert Lead.objects.get(pk=lead).status == LeadStatus.NEW
    assert not (Company.objects.exists() or Contact.objects.exists() or Deal.objects.exists())
    assert not AuditEvent.objects.filter(action="lead.convert").exists()

    done = submit(
        client,
        f"/crm/leads/{lead}/",
        f"/crm/leads/{lead}/conversion/",
        {**chosen, "values.company.tin": "7701"},
    )

    assert done.status_code == 302
    assert Company.objects.get().fields == {"tin": "7701"}
    assert Lead.objects.get(pk=lead).status == LeadStatus.CONVERTED
    assert AuditEvent.objects.filter(action="lead.convert", object_id=str(lead)).count() == 1


def test_a_conversion_without_a_target_and_junk(users: dict[str, User], alice: APIClient) -> None:
    lead = create(alice, "leads", title="Spam")["id"]
    client = page_client(users["alice"])
    nothing = submit(client, f"/crm/leads/{lead}/", f"/crm/leads/{lead}/conversion/", {})
    assert nothing.status_code == 400 and "Create" in errors_of(nothing.content)
    junked = submit(client, f"/crm/leads/{lead}/", f"/crm/leads/{lead}/junk/", {})
    assert junked.status_code == 302
    assert Lead.objects.get(pk=lead).status == LeadStatus.JUNK
    assert AuditEvent.objects.filter(action="lead.junk", object_id=str(lead)).exists()
    assert submit(client, f"/crm/leads/{lead}/", f"/crm/leads/{lead}/junk/", {}).status_code == 409


def test_a_deal_moves_to_another_stage_and_names_only_visible_records(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    deal = create(alice, "deals", title="Desks")["id"]
    theirs = create(bob, "contacts", name="Bob's client")["id"]
    client = page_client(users["alice"])
    path = f"/crm/deals/{deal}/edit/"
    form = text(client.get(path))
    assert "Bob&#x27;s client" not in form  # another's contact is not offered
    smuggled = submit(
        client, path, path, {"title": "Desks", "stage": "won", "contact": str(theirs)}
    )
    assert smuggled.status_code == 400
    assert Deal.objects.get(pk=deal).contact_id is None
    saved = submit(
        client,
        path,
        path,
        {"title": "Desks", "stage": "won", "amount": "1200.50", "currency": "EUR"},
    )
    assert saved.status_code == 302
    moved = Deal.objects.get(pk=deal)
    assert moved.stage.code == "won" and str(moved.amount) == "1200.50"
    page = text(client.get(f"/crm/deals/{deal}/"))
    assert "<dt>Stage</dt><dd>Won</dd>" in page and "1200.50 EUR" in page
