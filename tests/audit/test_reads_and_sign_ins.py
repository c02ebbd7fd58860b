"""Reading a document's text is audited like a download; every way of signing in records exactly
one `login` or `login_failed` event, and there is no sign-in page that records none."""

from collections.abc import Callable

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.helpers import new_version
from tests.permissions.acl_helpers import entry, grant, make_document

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_reading_a_documents_text_is_recorded_with_its_version(
    alice: APIClient,
    bob: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    document = make_document(alice, "salaries")
    new_version(alice, document, b"salaries, second draft", "salaries.txt")
    grant(alice, "documents", document, entry("user:bob", "view"))
    text = bob.get(f"/api/v1/documents/{document}/text/", REMOTE_ADDR="10.0.0.9")
    assert text.status_code == 200 and text.json()["version"] == 2
    # A zero-padded id reads the same document, and is recorded under its real id.
    first = bob.get(f"/api/v1/documents/0{document}/text/?version=1", REMOTE_ADDR="10.0.0.9")
    assert first.status_code == 200 and first.json()["version"] == 1

    events = client_for("rita").get(
        f"/api/v1/audit/events/?action=document.text&object_type=document&object_id={document}"
    )
    reads = [
        (event["actor"], event["ip"], event["details"]["version"])
        for event in reversed(events.json()["results"])
    ]
    assert reads == [("bob", "10.0.0.9", 2), ("bob", "10.0.0.9", 1)]


def test_no_text_event_for_who_may_not_read_it(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    document = make_document(alice, "salaries")
    assert client_for("bob").get(f"/api/v1/documents/{document}/text/").status_code == 404
    assert not AuditEvent.objects.filter(action="document.text").exists()
    refused = AuditEvent.objects.get(action="access_denied", actor_username="bob")
    assert refused.object_id == str(document)


def _sign_ins() -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(action__in=["login", "login_failed"]).order_by("seq")
    return [(event.action, event.object_id, event.actor_username) for event in events]


def test_api_token_sign_in_records_one_event_each_time(users) -> None:  # type: ignore[no-untyped-def]
    api = APIClient()
    wrong = api.post("/api/v1/auth/token/", {"username": "bob", "password": "nope"}, format="json")
    assert wrong.status_code == 401
    right = api.post(
        "/api/v1/auth/token/", {"username": "bob", "password": "bob-pass-1"}, format="json"
    )
    assert right.status_code == 200
    assert _sign_ins() == [("login_failed", "bob", ""), ("login", "bob", "bob")]


def test_web_sign_in_records_one_event_each_time(users) -> None:  # type: ignore[no-untyped-def]
    browser = Client()
    wrong = browser.post("/login/", {"username": "alice", "password": "nope"})
    assert wrong.status_code == 200 and SESSION_KEY not in browser.session
    right = browser.post("/login/", {"username": "alice", "password": "alice-pass-1"})
    assert right.status_code == 302 and SESSION_KEY in browser.session
    assert _sign_ins() == [("login_failed", "alice", ""), ("login", "alice", "alice")]


def test_there_is_no_admin_site_to_sign_in_through(users) -> None:  # type: ignore[no-untyped-def]
    """Django's admin signed in without an audit event and edited users past the services."""
    browser = Client()
    assert browser.get("/admin/login/").status_code == 404
    response = browser.post("/admin/login/", {"username": "admin", "password": "admin-pass-1"})
    assert response.status_code == 404
    assert SESSION_KEY not in browser.session
    assert browser.get("/admin/auth/user/").status_code == 404
    assert _sign_ins() == []
