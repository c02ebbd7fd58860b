"""The Personal data section of lead and contact pages: export and erase (with a confirmation
step) for records managers and administrators, through the API's services."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Contact, Lead
from tests.crm.helpers import create
from tests.web.pages import api_document, buttons, errors_of, page_client, text
from tests.web.pages import submit as _submit

pytestmark = pytest.mark.rolled_back

SHARED = ["role:records_manager"]


def submit(client: Client, page: str, action: str, fields: dict[str, Any]) -> Any:
    return _submit(client, page, action, fields)


def test_records_managers_see_the_section_on_leads_and_contacts_only(
    users: dict[str, User], alice: APIClient
) -> None:
    lead = create(alice, "leads", title="T", name="Mila", shared_with=SHARED)["id"]
    contact = create(alice, "contacts", name="Mila", shared_with=SHARED)["id"]
    company = create(alice, "companies", title="Acme", shared_with=SHARED)["id"]
    rita = page_client(users["rita"])
    owner = page_client(users["alice"])
    for path in (f"/crm/leads/{lead}/", f"/crm/contacts/{contact}/"):
        page = text(rita.get(path))
        assert "Export personal data" in page and "Erase personal data" in page
        assert "Personal data" not in text(owner.get(path))
    assert "Personal data" not in text(rita.get(f"/crm/companies/{company}/"))


def test_the_export_downloads_the_json_and_is_audited(
    users: dict[str, User], alice: APIClient
) -> None:
    contact = create(
        alice,
        "contacts",
        name="Mila",
        last_name="Novak",
        email="mila@example.com",
        shared_with=SHARED,
    )["id"]
    response = page_client(users["rita"]).get(f"/crm/contacts/{contact}/personal-data/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["records"][0]["email"] == "mila@example.com"
    assert AuditEvent.objects.filter(action="contact.personal_data", actor_username="rita").exists()


def test_erasure_asks_for_confirmation_then_pseudonymises(
    users: dict[str, User], alice: APIClient
) -> None:
    lead = create(alice, "leads", title="T", name="Mila", last_name="Novak", shared_with=SHARED)
    rita = page_client(users["rita"])
    confirm = rita.get(f"/crm/leads/{lead['id']}/erase/")
    assert confirm.status_code == 200
    assert buttons(text(confirm))[-1:] == ["Confirm erasure"]
    assert Lead.objects.get(pk=lead["id"]).last_name == "Novak"  # nothing happens on GET
    done = submit(rita, f"/crm/leads/{lead['id']}/erase/", f"/crm/leads/{lead['id']}/erase/", {})
    assert done.status_code == 302 and done["Location"] == f"/crm/leads/{lead['id']}/"
    page = text(rita.get(done["Location"]))
    erased = Lead.objects.get(pk=lead["id"])
    assert erased.last_name == "" and erased.name.startswith("Person ")
    assert f"the person is now {erased.name}" in page
    assert AuditEvent.objects.filter(action="lead.erase", actor_username="rita").exists()


def test_erasure_is_refused_on_the_page_while_a_document_is_held(
    users: dict[str, User], alice: APIClient, client_for
) -> None:  # type: ignore[no-untyped-def]
    contact = create(alice, "contacts", name="Mila", last_name="Novak", shared_with=SHARED)["id"]
    document = api_document(alice, b"letter", "letter.txt")
    alice.post(
        f"/api/v1/documents/{document}/links/",
        {"target_type": "contact", "target_id": contact, "relation": "related"},
        format="json",
    )
    client_for("rita").post(
        "/api/v1/holds/",
        {"object_type": "document", "object_id": document, "reason": "audit"},
        format="json",
    )
    rita = page_client(users["rita"])
    path = f"/crm/contacts/{contact}/erase/"
    refused = submit(rita, path, path, {})
    assert refused.status_code == 409
    assert "legal hold" in errors_of(refused.content)
    assert Contact.objects.get(pk=contact).last_name == "Novak"


def test_others_are_refused_and_strangers_get_the_404_page(
    users: dict[str, User], alice: APIClient
) -> None:
    lead = create(alice, "leads", title="T", name="Mila")["id"]
    owner = page_client(users["alice"])
    assert owner.get(f"/crm/leads/{lead}/erase/").status_code == 403
    assert owner.get(f"/crm/leads/{lead}/personal-data/").status_code == 403
    rita = page_client(users["rita"])  # a records manager who does not see this lead
    assert rita.get(f"/crm/leads/{lead}/erase/").status_code == 404
    assert rita.get(f"/crm/leads/{lead}/personal-data/").status_code == 404
    assert Lead.objects.get(pk=lead).name == "Mila"
