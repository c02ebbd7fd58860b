"""Who sees CRM records: the owner, those it is shared with, administrators; 404 for others."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Contact
from tests.crm.helpers import CRM, create
from tests.permissions.acl_helpers import entry, grant, make_document

pytestmark = pytest.mark.rolled_back

KINDS = {
    "leads": {"title": "Secret lead", "name": "Ann"},
    "contacts": {"name": "Ann"},
    "companies": {"title": "Acme"},
    "deals": {"title": "Secret deal"},
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_a_stranger_gets_404_everywhere(kind: str, alice: APIClient, bob: APIClient) -> None:
    """List, detail, change, delete: the record does not exist for bob."""
    record = create(alice, kind, **KINDS[kind])
    path = f"{CRM}/{kind}/{record['id']}/"
    assert bob.get(f"{CRM}/{kind}/").json()["count"] == 0
    assert bob.get(path).status_code == 404
    assert bob.patch(path, {"shared_with": []}, format="json").status_code == 404
    assert bob.delete(path).status_code == 404
    missing = bob.get(f"{CRM}/{kind}/987654/")
    assert bob.get(path).json() == missing.json()
    assert AuditEvent.objects.filter(
        action="access_denied", actor_username="bob", object_id=str(record["id"])
    ).exists()


def test_a_stranger_cannot_convert_junk_or_link_to_a_lead(alice: APIClient, bob: APIClient) -> None:
    lead = create(alice, "leads", title="L", name="Ann")
    convert = bob.post(f"{CRM}/leads/{lead['id']}/convert/", {"create": ["contact"]}, format="json")
    assert convert.status_code == 404
    assert bob.post(f"{CRM}/leads/{lead['id']}/junk/").status_code == 404
    own = make_document(bob, "bob's letter")
    link = bob.post(
        f"/api/v1/documents/{own}/links/",
        {"target_type": "lead", "target_id": lead["id"], "relation": "related"},
        format="json",
    )
    assert link.status_code == 400 and link.json()["code"] == "not_found"
    assert not Contact.objects.exists()
    assert alice.get(f"{CRM}/leads/{lead['id']}/").json()["status"] == "new"


def test_sharing_with_a_group_lets_its_members_see_and_work_on_the_record(
    alice: APIClient, bob: APIClient, users: dict[str, User]
) -> None:
    Group.objects.create(name="legal").user_set.add(users["bob"])
    lead = create(alice, "leads", title="Shared lead", name="Ann")
    path = f"{CRM}/leads/{lead['id']}/"
    shared = alice.patch(path, {"shared_with": ["group:legal"]}, format="json")
    assert shared.status_code == 200 and shared.json()["shared_with"] == ["group:legal"]
    assert bob.get(f"{CRM}/leads/").json()["count"] == 1
    assert bob.patch(path, {"name": "Anne"}, format="json").status_code == 200
    # Sharing and deleting are the owner's.
    assert bob.patch(path, {"shared_with": ["user:bob"]}, format="json").status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", actor_username="bob", object_id=str(lead["id"])
    ).exists()
    assert bob.delete(path).status_code == 403
    made = bob.post(f"{path}convert/", {"create": ["contact"]}, format="json").json()
    contact = bob.get(f"{CRM}/contacts/{made['contact']}/").json()
    assert contact["owner"] == "alice" and contact["shared_with"] == ["group:legal"]
    alice.patch(path, {"shared_with": []}, format="json")
    assert bob.get(path).status_code == 404


def test_sharing_with_an_unknown_group_is_refused(alice: APIClient) -> None:
    lead = create(alice, "leads", title="L")
    response = alice.patch(
        f"{CRM}/leads/{lead['id']}/", {"shared_with": ["group:nobody"]}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "unknown_principal"


def test_administrators_see_every_record(alice: APIClient, admin: APIClient) -> None:
    deal = create(alice, "deals", title="D")
    assert admin.get(f"{CRM}/deals/{deal['id']}/").status_code == 200
    assert admin.get(f"{CRM}/deals/").json()["count"] == 1


def test_a_record_shows_only_the_linked_documents_the_caller_may_view(
    alice: APIClient,
    bob: APIClient,
    users: dict[str, User],
    client_for: Callable[[str], APIClient],
) -> None:
    """Seeing the record grants nothing on its documents: the ACL decides."""
    Group.objects.create(name="legal").user_set.add(users["bob"])
    deal = create(alice, "deals", title="D", shared_with=["group:legal"])
    private = make_document(alice, "alice's private contract")
    alice.post(
        f"/api/v1/documents/{private}/links/",
        {"target_type": "deal", "target_id": deal["id"], "relation": "contract_for"},
        format="json",
    )
    assert [d["id"] for d in alice.get(f"{CRM}/deals/{deal['id']}/").json()["documents"]] == [
        private
    ]
    assert bob.get(f"{CRM}/deals/{deal['id']}/").json()["documents"] == []
    assert bob.get(f"/api/v1/documents/?linked_to=deal:{deal['id']}").json()["count"] == 0


def test_a_documents_links_hide_crm_records_the_caller_cannot_see(
    alice: APIClient, bob: APIClient
) -> None:
    """Bob may view the document, not the deal it is linked to: the link is not shown to him."""
    deal = create(alice, "deals", title="Private deal")
    company = create(alice, "companies", title="Acme", shared_with=["user:bob"])
    document = make_document(alice, "shared letter")
    grant(alice, "documents", document, entry("user:bob", "view"))
    for kind, target in (("deal", deal), ("company", company)):
        response = alice.post(
            f"/api/v1/documents/{document}/links/",
            {"target_type": kind, "target_id": target["id"], "relation": "related"},
            format="json",
        )
        assert response.status_code == 201, response.content
    assert len(alice.get(f"/api/v1/documents/{document}/links/").json()) == 2
    seen = bob.get(f"/api/v1/documents/{document}/links/").json()
    assert [(link["target_type"], link["target_id"]) for link in seen] == [
        ("company", company["id"])
    ]
