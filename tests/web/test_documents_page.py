"""The document page and its buttons: the API's rules, refusals and audit events, on a page."""

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, DocumentLink, HoldTarget, LegalHold
from tests.helpers import streamed
from tests.web.pages import api_document, buttons, named_file, share, signed_in, text

pytestmark = pytest.mark.rolled_back


def test_a_viewer_sees_the_title_facts_and_sections(
    users: dict[str, User], alice: APIClient
) -> None:
    """h1 = title; the current version's facts; the sections UI.md names; `document.view`."""
    document = api_document(alice, b"budget for 2027", "budget.txt", title="Budget", tags="plan")

    response = signed_in(users["alice"]).get(f"/documents/{document}/")

    page = text(response)
    assert response.status_code == 200
    assert "<h1>Budget</h1>" in page
    for fact in (
        "text/plain",
        "budget.txt",
        "Not locked",
        "SHA-256",
        '<span class="tag">plan</span>',
    ):
        assert fact in page
    for heading in ("Text", "Versions", "Links", "Permissions", "Spelling", "Approval"):
        assert f'">{heading}</h2>' in page
    assert ">History</h2>" not in page  # records managers only
    names = buttons(page)
    assert {"Download", "Lock", "Delete", "Upload new version", "Save permissions"} <= set(names)
    assert "Unlock" not in names and "Upload" not in names
    assert AuditEvent.objects.filter(action="document.view", object_id=str(document)).exists()


def test_a_stranger_gets_the_404_page_and_the_refusal_is_recorded(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"private", "p.txt", title="Private matter")
    bob = signed_in(users["bob"])

    for path in ("", "text/", "download/", "delete/"):
        response = bob.get(f"/documents/{document}/{path}")
        assert response.status_code == 404, path
        assert "Private matter" not in text(response)
    assert bob.post(f"/documents/{document}/lock/").status_code == 404
    assert bob.get("/documents/999999/").status_code == 404
    assert AuditEvent.objects.filter(
        action="access_denied", actor_username="bob", object_id=str(document)
    ).exists()
    assert not Document.objects.get(pk=document).locked_by_id


def test_a_viewer_without_edit_sees_no_edit_buttons_and_is_refused(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"read only", "r.txt")
    share(alice, document, "user:bob", "view")
    bob = signed_in(users["bob"])

    names = buttons(text(bob.get(f"/documents/{document}/")))
    assert names.count("Lock") == 0 and "Delete" not in names and "Download" not in names
    assert ">Permissions</h2>" not in text(bob.get(f"/documents/{document}/"))
    refused = bob.post(f"/documents/{document}/lock/")
    assert refused.status_code == 403
    assert "permission" in text(refused)


def test_lock_then_unlock_shows_one_button_at_a_time(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"to lock", "l.txt")
    client = signed_in(users["alice"])

    locked = client.post(f"/documents/{document}/lock/", follow=True)
    assert "Locked by alice" in text(locked)
    assert "Unlock" in buttons(text(locked)) and "Lock" not in buttons(text(locked))
    assert AuditEvent.objects.filter(action="document.lock", object_id=str(document)).exists()

    unlocked = client.post(f"/documents/{document}/unlock/", follow=True)
    assert "Not locked" in text(unlocked)
    assert "Lock" in buttons(text(unlocked)) and "Unlock" not in buttons(text(unlocked))


def test_a_new_version_is_refused_while_another_holds_the_lock(
    users: dict[str, User], alice: APIClient
) -> None:
    """409 with the service's message; after the unlock the version is stored."""
    document = api_document(alice, b"version one", "v.txt")
    share(alice, document, "user:bob", "view", "edit")
    signed_in(users["alice"]).post(f"/documents/{document}/lock/")
    bob = signed_in(users["bob"])

    refused = bob.post(f"/documents/{document}/versions/", {"file": named_file(b"two", "v.txt")})
    assert refused.status_code == 409
    assert "locked by alice" in text(refused)
    assert "Lock" not in buttons(text(refused)) and "Unlock" not in buttons(text(refused))

    signed_in(users["alice"]).post(f"/documents/{document}/unlock/")
    stored = bob.post(
        f"/documents/{document}/versions/",
        {"file": named_file(b"version two", "v2.txt"), "comment": "second"},
        follow=True,
    )
    assert stored.status_code == 200
    assert Document.objects.get(pk=document).current_version.number == 2  # type: ignore[union-attr]
    assert "v2.txt" in text(stored) and "second" in text(stored)


def test_download_streams_the_bytes_with_the_api_event(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"first bytes", "d.txt")
    client = signed_in(users["alice"])
    client.post(f"/documents/{document}/versions/", {"file": named_file(b"second bytes", "d.txt")})

    current = client.get(f"/documents/{document}/download/")
    first = client.get(f"/documents/{document}/download/?version=1")

    assert streamed(current) == b"second bytes"
    assert streamed(first) == b"first bytes"
    assert 'filename="d.txt"' in current["Content-Disposition"]
    events = AuditEvent.objects.filter(action="document.download", object_id=str(document))
    assert sorted(event.details["version"] for event in events) == [1, 2]
    assert client.get(f"/documents/{document}/download/?version=9").status_code == 404


def test_the_text_is_read_on_request_and_recorded(users: dict[str, User], alice: APIClient) -> None:
    document = api_document(alice, b"words to read", "t.txt")
    page = text(signed_in(users["alice"]).get(f"/documents/{document}/text/"))
    assert "words to read" in page
    assert AuditEvent.objects.filter(action="document.text", object_id=str(document)).exists()


def test_delete_asks_first_and_is_refused_under_a_legal_hold(
    users: dict[str, User], alice: APIClient
) -> None:
    """409 legal_hold: the hold's message on the page, the document stays."""
    document = api_document(alice, b"held", "h.txt", title="Held")
    LegalHold.objects.create(
        object_type=HoldTarget.DOCUMENT, object_id=document, reason="case", placed_by=users["rita"]
    )
    client = signed_in(users["alice"])

    confirm = client.get(f"/documents/{document}/delete/")
    assert "Confirm delete" in buttons(text(confirm))
    refused = client.post(f"/documents/{document}/delete/")

    assert refused.status_code == 409
    assert "under legal hold" in text(refused)
    assert not Document.objects.get(pk=document).is_deleted


def test_delete_moves_the_document_to_the_trash(users: dict[str, User], alice: APIClient) -> None:
    document = api_document(alice, b"to trash", "x.txt", title="Trash me")
    response = signed_in(users["alice"]).post(f"/documents/{document}/delete/", follow=True)
    assert response.redirect_chain[-1][0] == "/documents/"
    assert "Trash me" not in text(response)
    assert Document.objects.get(pk=document).is_deleted
    assert AuditEvent.objects.filter(action="document.delete", object_id=str(document)).exists()


def test_links_are_added_and_removed_and_hidden_targets_refused(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    document = api_document(alice, b"main", "m.txt", title="Main")
    other = api_document(alice, b"other", "o.txt", title="Other")
    hidden = api_document(bob, b"bob's", "b.txt", title="Bob's hidden")
    client = signed_in(users["alice"])

    added = client.post(
        f"/documents/{document}/links/",
        {"target_type": "document", "target_id": str(other), "relation": "related"},
        follow=True,
    )
    assert f'<a href="/documents/{other}/">Other</a>' in text(added)
    assert "Remove" in buttons(text(added))
    refused = client.post(
        f"/documents/{document}/links/",
        {"target_type": "document", "target_id": str(hidden), "relation": "related"},
    )
    assert refused.status_code == 400 and "that you can see" in text(refused)

    link = DocumentLink.objects.get(document_id=document)
    client.post(f"/documents/{document}/links/{link.pk}/remove/")
    assert not DocumentLink.objects.filter(pk=link.pk).exists()
    assert AuditEvent.objects.filter(action="document.unlink", object_id=str(document)).exists()


def test_history_shows_the_documents_events_to_records_managers(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"history", "h.txt")
    share(alice, document, "user:rita", "view")
    page = text(signed_in(users["rita"]).get(f"/documents/{document}/"))
    assert ">History</h2>" in page
    assert "document.create" in page and "document.acl_change" in page
