"""A person's data: exported as JSON and erased everywhere, by records managers and
administrators only, never past a legal hold, with the audit chain verifying afterwards."""

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.keyed import is_pseudonym
from audit.models import AuditEvent
from crm.models import Contact, Deal, Lead
from tests.audit.tampering import tamper
from tests.crm.helpers import CRM, create, define
from tests.permissions.acl_helpers import make_document

pytestmark = pytest.mark.rolled_back

RECORDS_MANAGERS = ["role:records_manager"]


@pytest.fixture
def rita(client_for: Callable[[str], APIClient]) -> APIClient:
    return client_for("rita")


def _link(client: APIClient, document: int, kind: str, record: int) -> None:
    response = client.post(
        f"/api/v1/documents/{document}/links/",
        {"target_type": kind, "target_id": record, "relation": "related"},
        format="json",
    )
    assert response.status_code == 201, response.content


def _verified(client: APIClient) -> dict[str, Any]:
    return dict(client.get("/api/v1/audit/verify/").json())


def _all_text() -> str:
    return " ".join(str(event.details) for event in AuditEvent.objects.all())


def test_personal_data_holds_the_records_fields_documents_and_events(
    alice: APIClient, rita: APIClient, admin: APIClient
) -> None:
    """The export shows both records of a converted lead, the linked documents the caller may
    view and the events naming the person; it is audited without the data."""
    lead = create(
        alice,
        "leads",
        title="Chairs for Ines Ortega",
        name="Ines",
        last_name="Ortega",
        email="ines@example.com",
        shared_with=RECORDS_MANAGERS,
    )
    document = make_document(alice, "Offer")
    _link(alice, document, "lead", lead["id"])
    alice.get("/api/v1/search/", {"q": "Ortega chairs"})
    converted = alice.post(
        f"{CRM}/leads/{lead['id']}/convert/", {"create": ["contact"]}, format="json"
    )
    assert converted.status_code == 201, converted.content
    contact = converted.json()["contact"]
    alice.patch(f"{CRM}/contacts/{contact}/", {"shared_with": RECORDS_MANAGERS}, format="json")

    response = rita.get(f"{CRM}/contacts/{contact}/personal-data/")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["person"] == {"kind": "contact", "id": contact}
    kinds = {(record["kind"], record["id"]) for record in data["records"]}
    assert kinds == {("contact", contact), ("lead", lead["id"])}
    assert {record["email"] for record in data["records"]} == {"ines@example.com"}
    assert data["documents"] == []  # alice's document: rita may not view it
    shown = admin.get(f"{CRM}/contacts/{contact}/personal-data/").json()["documents"]
    linked_to = sorted([f"contact:{contact}", f"lead:{lead['id']}"])
    assert shown == [{"id": document, "title": "Offer", "linked_to": linked_to}]
    actions = {event["action"] for event in data["audit_events"]}
    assert {"lead.create", "lead.convert", "document.link", "search"} <= actions
    exported = AuditEvent.objects.filter(action="contact.personal_data").first()
    assert exported is not None
    assert exported.actor_username == "rita" and "Ortega" not in str(exported.details)


def test_personal_data_leaves_out_what_the_caller_cannot_see(
    alice: APIClient, bob: APIClient, rita: APIClient
) -> None:
    """The lead a contact came from and documents out of the caller's sight are not shown."""
    lead = create(alice, "leads", title="T", name="Hugo", last_name="Brandt")
    contact_id = alice.post(
        f"{CRM}/leads/{lead['id']}/convert/", {"create": ["contact"]}, format="json"
    ).json()["contact"]
    alice.patch(f"{CRM}/contacts/{contact_id}/", {"shared_with": RECORDS_MANAGERS}, format="json")
    private = make_document(alice, "Private letter")
    _link(alice, private, "contact", contact_id)
    data = rita.get(f"{CRM}/contacts/{contact_id}/personal-data/").json()
    assert [record["kind"] for record in data["records"]] == ["contact"]
    assert data["documents"] == []


def test_only_records_managers_and_administrators_export_or_erase(
    alice: APIClient, bob: APIClient, rita: APIClient, admin: APIClient
) -> None:
    """The owner is refused (403); one who cannot see the record gets 404, as for a missing
    one; a company is no person (404)."""
    lead = create(alice, "leads", title="T", name="Vera")
    company = create(alice, "companies", title="Acme")
    for path in ("personal-data/", "erase/"):
        call = alice.get if path == "personal-data/" else alice.post
        assert call(f"{CRM}/leads/{lead['id']}/{path}").status_code == 403
        for client in (bob, rita):
            other = client.get if path == "personal-data/" else client.post
            assert other(f"{CRM}/leads/{lead['id']}/{path}").status_code == 404
            assert other(f"{CRM}/leads/999999/{path}").status_code == 404
        assert admin.get(f"{CRM}/companies/{company['id']}/{path}").status_code == 404
    assert Lead.objects.get(pk=lead["id"]).name == "Vera"


def test_erasure_pseudonymises_records_deals_custom_fields_and_audit_details(
    alice: APIClient, rita: APIClient, admin: APIClient
) -> None:
    define(admin, "lead", "nickname")
    define(admin, "contact", "nickname")
    lead = create(
        alice,
        "leads",
        title="Desk for Ingrid Solberg",
        name="Ingrid",
        last_name="Solberg",
        email="ingrid@example.com",
        phone="+4722334455",
        fields={"nickname": "Inga"},
        shared_with=RECORDS_MANAGERS,
    )
    alice.get("/api/v1/search/", {"q": "Solberg desk"})
    alice.get("/api/v1/search/", {"q": "ingrid@example.com"})
    alice.get("/api/v1/search/", {"q": "Solbergen"})  # another word: stays
    made = alice.post(
        f"{CRM}/leads/{lead['id']}/convert/",
        {"create": ["contact", "deal"], "transfer_fields": True},
        format="json",
    ).json()
    Deal.objects.filter(pk=made["deal"]).update(title="Desk for Ingrid Solberg")
    response = rita.post(f"{CRM}/leads/{lead['id']}/erase/")
    assert response.status_code == 200, response.content
    erased = response.json()
    pseudonym = erased["pseudonym"]
    assert set(erased["records"]) == {f"lead:{lead['id']}", f"contact:{made['contact']}"}
    assert erased["audit_events"] == 2

    stored_lead = Lead.objects.get(pk=lead["id"])
    assert (stored_lead.name, stored_lead.last_name, stored_lead.email, stored_lead.phone) == (
        pseudonym,
        "",
        "",
        "",
    )
    assert stored_lead.title == f"Desk for {pseudonym}"
    assert stored_lead.fields["nickname"] == pseudonym
    contact = Contact.objects.get(pk=made["contact"])
    assert contact.name == pseudonym and contact.email == "" and contact.last_name == ""
    assert Deal.objects.get(pk=made["deal"]).title == f"Desk for {pseudonym}"
    texts = _all_text()
    for gone in ("Solberg desk", "ingrid@example.com", "Ingrid"):
        assert gone not in texts
    assert "Solbergen" in texts
    searches = AuditEvent.objects.filter(action="search").order_by("seq")
    assert [is_pseudonym(event.details["q"]) for event in searches] == [True, True, False]
    event = AuditEvent.objects.get(action="lead.erase")
    assert event.actor_username == "rita" and event.details["pseudonym"] == pseudonym
    assert _verified(rita) == {"ok": True, "checked": AuditEvent.objects.count(), "reason": ""} | {
        "first_bad_seq": None
    }


@pytest.mark.commits  # PostgreSQL lifts the trigger only outside a transaction's pending checks
def test_a_rewritten_pseudonym_is_still_caught_by_verify(
    alice: APIClient, admin: APIClient
) -> None:
    lead = create(alice, "leads", title="T", name="Kasimir", last_name="Lund")
    alice.get("/api/v1/search/", {"q": "Kasimir Lund"})
    assert admin.post(f"{CRM}/leads/{lead['id']}/erase/").status_code == 200
    assert _verified(admin)["ok"] is True
    search = AuditEvent.objects.get(action="search")
    other = AuditEvent.objects.filter(action="lead.create").first()
    assert other is not None
    # Another event's pseudonym does not stand in for this one's text.
    tamper(search, details={"q": "\u27e6pseudonym " + "0" * 64 + "\u27e7", "count": 0})
    result = _verified(admin)
    assert result["ok"] is False and result["first_bad_seq"] == search.seq


def test_erasure_is_refused_while_a_linked_document_is_held(
    alice: APIClient, rita: APIClient
) -> None:
    contact = create(
        alice, "contacts", name="Tomas", last_name="Held", shared_with=RECORDS_MANAGERS
    )
    document = make_document(alice, "Evidence")
    _link(alice, document, "contact", contact["id"])
    placed = rita.post(
        "/api/v1/holds/",
        {"object_type": "document", "object_id": document, "reason": "case Tomas Held"},
        format="json",
    )
    assert placed.status_code == 201
    refused = rita.post(f"{CRM}/contacts/{contact['id']}/erase/")
    assert refused.status_code == 409 and refused.json()["code"] == "legal_hold"
    assert Contact.objects.get(pk=contact["id"]).last_name == "Held"
    assert not AuditEvent.objects.filter(action="contact.erase").exists()
    assert rita.delete(f"/api/v1/holds/{placed.json()['id']}/").status_code == 200
    assert rita.post(f"{CRM}/contacts/{contact['id']}/erase/").status_code == 200


def test_events_about_a_held_document_keep_naming_the_person(
    alice: APIClient, rita: APIClient
) -> None:
    """A hold on another document whose reason names the person: that event is evidence too."""
    contact = create(
        alice, "contacts", name="Oskar", last_name="Wendt", shared_with=RECORDS_MANAGERS
    )
    other = make_document(alice, "Unrelated file")
    rita.post(
        "/api/v1/holds/",
        {"object_type": "document", "object_id": other, "reason": "Oskar Wendt dispute"},
        format="json",
    )
    erased = rita.post(f"{CRM}/contacts/{contact['id']}/erase/").json()
    assert erased["audit_events_kept_for_holds"] == 1
    assert AuditEvent.objects.get(action="hold.place").details["reason"] == "Oskar Wendt dispute"
