"""ACL and effective-permission endpoints, and the leak rule: invisible means absent."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.helpers import upload
from tests.permissions.acl_helpers import (
    entry,
    grant,
    make_document,
    make_folder,
    put_acl,
    visible_ids,
)

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_acl_read_and_replace_is_audited(alice: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "contract")
    response = put_acl(alice, "documents", document, entry("group:sales", "view", "download"))
    assert response.status_code == 200, response.content
    body = alice.get(f"/api/v1/documents/{document}/acl/").json()
    assert body["inherit"] is True
    assert body["entries"] == [entry("group:sales", "view", "download")] or body["entries"] == [
        entry("group:sales", "download", "view")
    ]
    event = AuditEvent.objects.get(action="document.acl_change")
    assert event.object_id == str(document) and event.actor_username == "alice"
    assert event.details["before"]["entries"] == []
    folder = make_folder(alice, "F")
    assert (
        put_acl(alice, "folders", folder, entry("user:bob", "view"), inherit=False).status_code
        == 200
    )
    assert alice.get(f"/api/v1/folders/{folder}/acl/").json()["inherit"] is False
    assert AuditEvent.objects.filter(action="folder.acl_change", object_id=str(folder)).exists()


def test_acl_needs_manage_acl(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    """Invisible: 404. Visible without manage_acl: 403 and an access_denied event. Granted: 200."""
    document = make_document(alice, "d")
    assert bob.get(f"/api/v1/documents/{document}/acl/").status_code == 404
    grant(alice, "documents", document, entry("user:bob", "view"))
    assert bob.get(f"/api/v1/documents/{document}/acl/").status_code == 403
    assert put_acl(bob, "documents", document, entry("user:bob", "edit")).status_code == 403
    refused = AuditEvent.objects.filter(action="access_denied", object_id=str(document)).last()
    assert refused is not None and refused.details == {
        "permission": "manage_acl",
        "reason": "missing_permission",
    }
    assert refused.actor_username == "bob" and refused.ip == "127.0.0.1"
    grant(alice, "documents", document, entry("user:bob", "view", "manage_acl"))
    assert bob.get(f"/api/v1/documents/{document}/acl/").status_code == 200


def test_acl_validation(alice: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "d")
    for bad in (
        entry("user:ghost", "view"),
        entry("group:nobody", "view"),
        entry("role:nonexistent", "view"),
        entry("robot:x", "view"),
        entry("user:bob", "fly"),
        entry("user:bob", "view", effect="maybe"),
        {"principal": "user:bob", "permissions": []},
    ):
        response = put_acl(alice, "documents", document, bad)
        assert response.status_code == 400, (bad, response.content)
        assert response.json()["code"]
    assert (
        alice.put(f"/api/v1/documents/{document}/acl/", {"entries": "x"}, format="json").status_code
        == 400
    )
    assert (
        put_acl(alice, "documents", document, entry("role:records_manager", "view")).status_code
        == 200
    )
    assert put_acl(alice, "documents", document, entry("everyone", "view")).status_code == 200


def test_effective_permissions_explain_their_sources(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    top = make_folder(alice, "Top")
    document = make_document(alice, "d", top)
    grant(
        alice, "folders", top, entry("group:sales", "view"), entry("user:bob", "view", "download")
    )
    grant(alice, "documents", document, entry("user:bob", "download", effect="deny"))
    mine = bob.get(f"/api/v1/documents/{document}/permissions/").json()
    assert mine["principal"] == "user:bob"
    assert mine["permissions"] == ["view"]
    assert {
        "permission": "view",
        "effect": "allow",
        "principal": "user:bob",
        "on": f"folder:{top}",
        "inherited": True,
    } in mine["sources"]
    assert {
        "permission": "download",
        "effect": "deny",
        "principal": "user:bob",
        "on": f"document:{document}",
        "inherited": False,
    } in mine["sources"]
    # Others' permissions need manage_acl.
    assert (
        bob.get(f"/api/v1/documents/{document}/permissions/?principal=user:alice").status_code
        == 403
    )
    other = alice.get(f"/api/v1/documents/{document}/permissions/?principal=user:bob").json()
    assert other["permissions"] == ["view"]
    owner = alice.get(f"/api/v1/documents/{document}/permissions/").json()
    assert all(source["on"] == "owner" for source in owner["sources"])
    assert len(owner["permissions"]) == 6
    assert (
        alice.get(f"/api/v1/documents/{document}/permissions/?principal=user:ghost").status_code
        == 400
    )
    assert (
        alice.get(f"/api/v1/documents/{document}/permissions/?principal=group:sales").status_code
        == 400
    )


def test_two_groups_see_exactly_their_grants_everywhere(
    alice: APIClient,
    bob: APIClient,
    admin: APIClient,
    users,  # type: ignore[no-untyped-def]
) -> None:
    """sales (alice) and legal (bob) each see their folder only: lists, counts, filters,
    detail, download, text, versions, duplicates, links and error messages."""
    admin.post("/api/v1/groups/", {"name": "legal", "members": ["bob"]}, format="json")
    sales_folder = make_folder(admin, "Sales")
    legal_folder = make_folder(admin, "Legal")
    grant(admin, "folders", sales_folder, entry("group:sales", "view", "download", "edit"))
    grant(admin, "folders", legal_folder, entry("group:legal", "view", "download", "edit"))
    shared_bytes = b"the same contract text"
    sales_doc = upload(admin, shared_bytes, "s.txt", folder=sales_folder, tags="x").json()["id"]
    legal_doc = upload(
        admin, shared_bytes, "l.txt", folder=legal_folder, tags="x", on_duplicate="allow"
    ).json()["id"]
    admin.post(
        f"/api/v1/documents/{sales_doc}/links/",
        {"target_type": "document", "target_id": legal_doc, "relation": "related"},
        format="json",
    )
    for client, mine, theirs in ((alice, sales_doc, legal_doc), (bob, legal_doc, sales_doc)):
        assert visible_ids(client) == {mine}
        assert client.get("/api/v1/documents/?tag=x").json()["count"] == 1
        for suffix in (
            "",
            "download/",
            "text/",
            "versions/",
            "duplicates/",
            "links/",
            "acl/",
            "permissions/",
        ):
            missing = client.get(f"/api/v1/documents/{theirs}/{suffix}")
            nonexistent = client.get(f"/api/v1/documents/999999/{suffix}")
            assert missing.status_code == nonexistent.status_code == 404, suffix
            assert missing.json() == nonexistent.json()
        assert client.get(f"/api/v1/documents/{mine}/download/").status_code == 200
        assert client.get(f"/api/v1/documents/{mine}/duplicates/").json() == []
        # The sales document links to the legal one: alice is not told.
        assert client.get(f"/api/v1/documents/{mine}/links/").json() == []
        same = upload(client, shared_bytes, "again.txt")
        assert same.status_code == 201 and same.json()["duplicates"] == [
            {"document": mine, "kind": "exact", "similarity": 1.0}
        ]
        folders = {item["id"] for item in client.get("/api/v1/folders/").json()["results"]}
        assert folders == {sales_folder if mine == sales_doc else legal_folder}


def test_refused_reads_of_invisible_documents_are_audited(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "d")
    bob.get(f"/api/v1/documents/{document}/", HTTP_USER_AGENT="probe/1")
    bob.get("/api/v1/documents/999999/")
    events = AuditEvent.objects.filter(action="access_denied")
    assert [(e.object_type, e.object_id, e.details["reason"]) for e in events] == [
        ("document", str(document), "not_visible")
    ]
    assert events[0].user_agent == "probe/1"


def test_placing_a_document_in_a_folder_needs_edit_on_it(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    """Seeing a folder is not enough to file documents into it; `edit` is."""
    folder = make_folder(alice, "Contracts")
    grant(alice, "folders", folder, entry("user:bob", "view"))
    refused = upload(bob, b"bob's filing", "b.txt", folder=folder)
    assert refused.status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", actor_username="bob", object_type="folder", object_id=str(folder)
    ).exists()
    own = make_document(bob, "loose")
    assert (
        bob.patch(f"/api/v1/documents/{own}/", {"folder": folder}, format="json").status_code == 403
    )
    grant(alice, "folders", folder, entry("user:bob", "view", "edit"))
    assert upload(bob, b"bob's filing", "b.txt", folder=folder).status_code == 201


def test_linked_to_an_invisible_document_matches_nothing(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    """Filtering by a link target bob cannot see answers like a missing target: nothing."""
    target = make_document(alice, "secret target")
    grant(alice, "documents", target, entry("user:bob", "view"))
    mine = make_document(bob, "bob's note")
    linked = bob.post(
        f"/api/v1/documents/{mine}/links/",
        {"target_type": "document", "target_id": target, "relation": "related"},
        format="json",
    )
    assert linked.status_code == 201
    assert bob.get(f"/api/v1/documents/?linked_to=document:{target}").json()["count"] == 1
    grant(alice, "documents", target)  # bob loses sight of the target
    hidden = bob.get(f"/api/v1/documents/?linked_to=document:{target}").json()
    missing = bob.get("/api/v1/documents/?linked_to=document:987654").json()
    assert hidden["count"] == missing["count"] == 0
    assert bob.get(f"/api/v1/documents/{mine}/links/").json() == []
