"""Deleting and sharing a CRM record on its pages: its owner's and administrators' actions,
through the API's services, refused to those who see it only by a share (403, nothing changed,
the refusal audited) and the 404 page to those who do not see it; the same validation of
e-mails, phones and amounts as the API, shown on the form."""

import re
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Contact, Deal, Lead, RecordShare
from tests.crm.helpers import CRM, create
from tests.web.pages import api_document, buttons, errors_of, page_client, text
from tests.web.pages import submit as _submit

pytestmark = pytest.mark.rolled_back


def submit(client: Client, page: str, action: str, fields: dict[str, Any]) -> Any:
    return _submit(client, page, action, fields)


def test_the_owner_shares_a_lead_with_a_group_and_its_member_sees_it(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    Group.objects.create(name="buyers").user_set.add(users["bob"])
    lead = create(alice, "leads", title="Office move")["id"]
    owner = page_client(users["alice"])
    page = text(owner.get(f"/crm/leads/{lead}/"))
    assert f'href="/crm/leads/{lead}/sharing/"' in page and "Delete" in buttons(page)
    form = text(owner.get(f"/crm/leads/{lead}/sharing/"))
    assert 'value="group:buyers"' in form and 'value="role:records_manager"' in form
    assert bob.get(f"{CRM}/leads/{lead}/").status_code == 404

    saved = submit(
        owner,
        f"/crm/leads/{lead}/sharing/",
        f"/crm/leads/{lead}/sharing/",
        {"groups": ["group:buyers"], "roles": ["role:records_manager"]},
    )
    assert saved.status_code == 302 and saved.url == f"/crm/leads/{lead}/"
    shares = set(RecordShare.objects.filter(record_id=lead).values_list("principal", flat=True))
    assert shares == {"group:buyers", "role:records_manager"}
    assert bob.get(f"{CRM}/leads/{lead}/").status_code == 200
    event = AuditEvent.objects.get(action="lead.update", object_id=str(lead))
    assert event.details["shared_with"] == ["group:buyers", "role:records_manager"]
    again = text(owner.get(f"/crm/leads/{lead}/sharing/"))
    assert re.search(r'value="group:buyers"[^>]*checked', again)
    assert not re.search(r'value="role:admin"[^>]*checked', again)

    dropped = submit(
        owner, f"/crm/leads/{lead}/sharing/", f"/crm/leads/{lead}/sharing/", {"groups": []}
    )
    assert dropped.status_code == 302
    assert not RecordShare.objects.filter(record_id=lead).exists()


def test_one_who_sees_a_record_by_a_share_may_neither_share_nor_delete_it(
    users: dict[str, User], alice: APIClient
) -> None:
    """The sales group sees Bob's contact; Alice, a member, gets no buttons and 403 when she
    posts anyway; nothing changes and the refusals are audited."""
    Group.objects.get(name="sales").user_set.add(users["bob"])
    bob_api = APIClient()
    bob_api.force_authenticate(users["bob"])
    contact = create(bob_api, "contacts", name="Carl", shared_with=["group:sales"])["id"]
    member = page_client(users["alice"])
    page = text(member.get(f"/crm/contacts/{contact}/"))
    assert "Delete" not in buttons(page) and "/sharing/" not in page

    for path in (f"/crm/contacts/{contact}/delete/", f"/crm/contacts/{contact}/sharing/"):
        refused = member.get(path)
        assert refused.status_code == 403
        assert "owner or an administrator" in errors_of(refused.content)
        assert "Delete contact" not in buttons(text(refused))
        assert "Save sharing" not in buttons(text(refused))

    # A forged POST (the token from a page she may open) changes nothing.
    token_page = f"/crm/contacts/{contact}/"
    deleted = submit(member, token_page, f"/crm/contacts/{contact}/delete/", {})
    shared = submit(
        member, token_page, f"/crm/contacts/{contact}/sharing/", {"groups": ["group:sales"]}
    )
    assert deleted.status_code == 403 and shared.status_code == 403
    assert Contact.objects.filter(pk=contact).exists()
    assert list(RecordShare.objects.values_list("principal", flat=True)) == ["group:sales"]
    refusals = AuditEvent.objects.filter(action="access_denied", object_id=str(contact))
    assert refusals.count() >= 2
    assert not AuditEvent.objects.filter(action__in=["contact.delete", "contact.update"]).exists()


def test_a_stranger_gets_the_404_page_for_delete_and_share(
    users: dict[str, User], alice: APIClient
) -> None:
    deal = create(alice, "deals", title="Desks")["id"]
    stranger = page_client(users["bob"])
    for path in (
        f"/crm/deals/{deal}/delete/",
        f"/crm/deals/{deal}/sharing/",
        "/crm/deals/999999/delete/",
    ):
        assert stranger.get(path).status_code == 404
    token_page = "/crm/deals/"
    assert submit(stranger, token_page, f"/crm/deals/{deal}/delete/", {}).status_code == 404
    assert Deal.objects.filter(pk=deal).exists()


def test_the_owner_deletes_after_confirming_and_the_documents_stay(
    users: dict[str, User], alice: APIClient
) -> None:
    lead = create(alice, "leads", title="Office move")["id"]
    document = api_document(alice, b"request letter", "letter.txt")
    linked = alice.post(
        f"/api/v1/documents/{document}/links/",
        {"target_type": "lead", "target_id": lead, "relation": "attachment"},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    owner = page_client(users["alice"])
    confirm = owner.get(f"/crm/leads/{lead}/delete/")
    assert confirm.status_code == 200
    assert "Delete lead" in buttons(text(confirm))
    assert Lead.objects.filter(pk=lead).exists()  # asking deletes nothing

    deleted = submit(owner, f"/crm/leads/{lead}/delete/", f"/crm/leads/{lead}/delete/", {})
    assert deleted.status_code == 302 and deleted.url == "/crm/leads/"
    assert not Lead.objects.filter(pk=lead).exists()
    assert AuditEvent.objects.filter(action="lead.delete", object_id=str(lead)).exists()
    assert alice.get(f"/api/v1/documents/{document}/").status_code == 200
    assert owner.get(f"/crm/leads/{lead}/").status_code == 404


def test_an_administrator_deletes_and_shares_anyones_record(
    users: dict[str, User], alice: APIClient
) -> None:
    company = create(alice, "companies", title="Acme")["id"]
    admin = page_client(users["admin"])
    page = text(admin.get(f"/crm/companies/{company}/"))
    assert "Delete" in buttons(page)
    shared = submit(
        admin,
        f"/crm/companies/{company}/sharing/",
        f"/crm/companies/{company}/sharing/",
        {"groups": ["group:sales"]},
    )
    assert shared.status_code == 302
    deleted = submit(
        admin, f"/crm/companies/{company}/delete/", f"/crm/companies/{company}/delete/", {}
    )
    assert deleted.status_code == 302


def test_the_forms_normalise_contact_details_and_refuse_bad_ones(
    users: dict[str, User], alice: APIClient
) -> None:
    client = page_client(users["alice"])
    refused = submit(
        client,
        "/crm/contacts/",
        "/crm/contacts/",
        {"name": "Ann", "email": "ann@ACME.example", "phone": "12"},
    )
    assert refused.status_code == 400
    assert "not a valid phone number" in errors_of(refused.content)
    assert not Contact.objects.exists()
    made = submit(
        client,
        "/crm/contacts/",
        "/crm/contacts/",
        {"name": "Ann", "email": " ann@ACME.example ", "phone": "+49 30 1234567"},
    )
    assert made.status_code == 302
    contact = Contact.objects.get()
    assert (contact.email, contact.phone) == ("ann@acme.example", "+49301234567")

    deal = create(alice, "deals", title="Desks")["id"]
    path = f"/crm/deals/{deal}/edit/"
    bad = submit(
        client, path, path, {"title": "Desks", "stage": "new", "amount": "10", "currency": "ABC"}
    )
    assert bad.status_code == 400 and "ISO 4217" in errors_of(bad.content)
    fine = submit(
        client, path, path, {"title": "Desks", "stage": "new", "amount": "10.5", "currency": "EUR"}
    )
    assert fine.status_code == 302
    stored = Deal.objects.get()
    assert (str(stored.amount), stored.currency) == ("10.50", "EUR")
