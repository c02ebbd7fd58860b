"""The Permissions section: the ACL editor and a user's effective permissions."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.web.pages import api_document, share, signed_in, text

pytestmark = pytest.mark.rolled_back


def test_saving_permissions_writes_what_the_api_writes(
    users: dict[str, User], alice: APIClient
) -> None:
    """The page's save and the API's PUT leave the same ACL and the same audit event."""
    by_page = api_document(alice, b"shared by page", "p.txt")
    by_api = api_document(alice, b"shared by api", "a.txt")

    response = signed_in(users["alice"]).post(
        f"/documents/{by_page}/permissions/",
        {
            "entry-count": "0",
            "inherit": "1",
            "new-principal": "group:sales",
            "new-permissions": ["view", "download"],
            "new-effect": "allow",
        },
    )
    share(alice, by_api, "group:sales", "view", "download")

    assert response.status_code == 302
    page_acl = alice.get(f"/api/v1/documents/{by_page}/acl/").json()
    api_acl = alice.get(f"/api/v1/documents/{by_api}/acl/").json()
    assert page_acl == api_acl
    page_event = AuditEvent.objects.get(action="document.acl_change", object_id=str(by_page))
    api_event = AuditEvent.objects.get(action="document.acl_change", object_id=str(by_api))
    assert page_event.details == api_event.details
    assert page_event.actor_username == "alice"


def test_rows_of_the_editor_are_kept_changed_or_removed(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"rows", "r.txt")
    share(alice, document, "user:bob", "view")
    client = signed_in(users["alice"])
    page = text(client.get(f"/documents/{document}/"))
    assert "user:bob" in page and 'name="entry-0-principal" value="user:bob"' in page

    client.post(
        f"/documents/{document}/permissions/",
        {
            "entry-count": "1",
            "inherit": "1",
            "entry-0-principal": "user:bob",
            "entry-0-permissions": ["view", "edit"],
            "entry-0-effect": "allow",
        },
    )
    entries = alice.get(f"/api/v1/documents/{document}/acl/").json()["entries"]
    assert [(e["principal"], sorted(e["permissions"]), e["effect"]) for e in entries] == [
        ("user:bob", ["edit", "view"], "allow")
    ]

    client.post(
        f"/documents/{document}/permissions/",
        {
            "entry-count": "1",
            "inherit": "1",
            "entry-0-principal": "user:bob",
            "entry-0-permissions": ["view"],
            "entry-0-remove": "1",
        },
    )
    assert alice.get(f"/api/v1/documents/{document}/acl/").json()["entries"] == []


def test_an_unknown_principal_is_refused_with_the_reason(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"unknown", "u.txt")
    response = signed_in(users["alice"]).post(
        f"/documents/{document}/permissions/",
        {
            "entry-count": "0",
            "inherit": "1",
            "new-principal": "user:nobody",
            "new-permissions": ["view"],
        },
    )
    assert response.status_code == 400
    assert "Unknown principals: user:nobody" in text(response)
    assert not AuditEvent.objects.filter(action="document.acl_change").exists()


def test_saving_needs_manage_acl(users: dict[str, User], alice: APIClient) -> None:
    """A user with view and edit cannot share: 403, nothing changed; a stranger gets 404."""
    document = api_document(alice, b"not yours to share", "n.txt")
    share(alice, document, "user:bob", "view", "edit")
    grab = {
        "entry-count": "0",
        "inherit": "1",
        "new-principal": "user:bob",
        "new-permissions": ["manage_acl", "delete"],
    }

    refused = signed_in(users["bob"]).post(f"/documents/{document}/permissions/", grab)
    stranger = signed_in(users["rita"]).post(f"/documents/{document}/permissions/", grab)

    assert refused.status_code == 403
    assert stranger.status_code == 404
    entries = alice.get(f"/api/v1/documents/{document}/acl/").json()["entries"]
    assert [(e["principal"], sorted(e["permissions"])) for e in entries] == [
        ("user:bob", ["edit", "view"])
    ]


def test_effective_permissions_of_a_chosen_user(users: dict[str, User], alice: APIClient) -> None:
    """The explain answer of API.md, for the user named."""
    document = api_document(alice, b"explained", "e.txt")
    share(alice, document, "user:bob", "view", "download")
    client = signed_in(users["alice"])

    page = text(client.get(f"/documents/{document}/?explain=bob"))
    api = alice.get(f"/api/v1/documents/{document}/permissions/?principal=user:bob").json()

    assert api["permissions"] == ["view", "download"]
    assert 'bob holds: <span class="tag">view</span><span class="tag">download</span>' in page
    assert f"document:{document}" in page
    missing = text(client.get(f"/documents/{document}/?explain=ghost"))
    assert "There is no user named ghost" in missing
