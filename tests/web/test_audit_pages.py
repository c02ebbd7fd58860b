"""The records manager's pages: the audit trail (filters, paging, CSV, verify) and legal holds."""

import csv
import io
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import LegalHold
from tests.audit.tampering import tamper
from tests.helpers import streamed
from tests.permissions.acl_helpers import entry, grant, make_document
from tests.web.pages import body_rows, errors_of, page_client, submit

# Nothing here needs a commit unless marked: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

AUDIT_PATHS = ["/audit/", "/audit/holds/"]


def test_the_audit_pages_answer_404_to_all_but_records_managers_and_administrators(
    users: dict[str, User],
) -> None:
    """Alice sees neither the pages nor the navigation link; every attempt is recorded."""
    alice = page_client(users["alice"])
    home = alice.get("/").content.decode()
    assert 'href="/audit/"' not in home
    for path in AUDIT_PATHS:
        refused = alice.get(path)
        assert refused.status_code == 404, path
        assert "<h1>Not found</h1>" in refused.content.decode()
    alice_unchecked = Client()  # no CSRF check: the rule itself must refuse
    alice_unchecked.force_login(users["alice"])
    hold = {"object_type": "document", "object_id": 1, "reason": "x"}
    assert alice_unchecked.post("/audit/holds/", hold).status_code == 404
    assert alice_unchecked.post("/audit/verify/").status_code == 404
    assert not LegalHold.objects.exists()
    assert AuditEvent.objects.filter(action="access_denied", actor_username="alice").count() == 4

    for name in ("rita", "admin"):
        client = page_client(users[name])
        page = client.get("/audit/")
        assert page.status_code == 200, name
        content = page.content.decode()
        assert "<h1>Audit</h1>" in content
        assert 'href="/audit/" aria-current="page">Audit</a>' in content
        for label in ("Actor", "Action", "Object", "From", "To"):
            assert re.search(rf"<label for=\"[^\"]+\">{label}</label>", content), label
        assert ">Export CSV</a>" in content and ">Verify chain</button>" in content
        assert client.get("/audit/holds/").status_code == 200


def test_filters_narrow_the_table_to_who_did_what_to_which_object(
    alice: APIClient,
    bob: APIClient,
    users: dict[str, User],
) -> None:
    board = make_document(alice, "board minutes")
    other = make_document(alice, "other")
    grant(alice, "documents", board, entry("user:bob", "view", "download"))
    bob.get(f"/api/v1/documents/{board}/")
    bob.get(f"/api/v1/documents/{other}/")  # refused: a 404 and an access_denied event
    rita = page_client(users["rita"])

    everything = body_rows(rita.get("/audit/").content)
    by_bob = body_rows(rita.get("/audit/", {"actor": "bob"}).content)
    bob_on_board = body_rows(
        rita.get("/audit/", {"actor": "bob", "object": f"document:{board}"}).content
    )
    viewed = body_rows(rita.get("/audit/", {"action": "document.view"}).content)
    by_id = body_rows(rita.get("/audit/", {"object": str(board), "actor": "bob"}).content)
    future = rita.get("/audit/", {"date_from": "2999-01-01"})
    today = rita.get("/audit/", {"date_to": AuditEvent.objects.last().at.date().isoformat()})  # type: ignore[union-attr]

    assert len(everything) == AuditEvent.objects.count()  # reading the trail writes nothing
    assert {row[2] for row in by_bob} == {"bob"}
    assert {row[3] for row in by_bob} == {"document.view", "access_denied"}
    assert [(row[2], row[3], row[4]) for row in bob_on_board] == [
        ("bob", "document.view", f"document:{board}")
    ]
    assert {row[3] for row in viewed} == {"document.view"}
    assert by_id == bob_on_board
    assert "No events match these filters." in future.content.decode()
    assert len(body_rows(today.content)) == len(everything)
    assert "title: board minutes" in " ".join(row[5] for row in everything)


def test_the_table_pages_on_the_server_keeping_the_filters(
    alice: APIClient, users: dict[str, User]
) -> None:
    for number in range(3):
        make_document(alice, f"doc {number}")
    creates = AuditEvent.objects.filter(action="document.create").count()
    for _ in range(51):
        alice.get("/api/v1/audit/events/")  # each refusal is an event: enough for two pages
    rita = page_client(users["rita"])

    first = rita.get("/audit/", {"action": "access_denied"})
    content = first.content.decode()
    second = rita.get("/audit/", {"action": "access_denied", "page": "2"})
    narrowed = rita.get("/audit/", {"action": "document.create", "page": "2"})

    assert len(body_rows(first.content)) == 50
    assert "51 events" in content
    assert 'href="?action=access_denied&amp;page=2"' in content
    assert len(body_rows(second.content)) == 1
    assert len(body_rows(narrowed.content)) == creates  # past the end: the last page


def test_bad_filters_answer_the_form_again_with_the_error(users: dict[str, User]) -> None:
    rita = page_client(users["rita"])

    not_a_date = rita.get("/audit/", {"date_from": "yesterday"})
    backwards = rita.get("/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    no_object = rita.get("/audit/", {"object": "::"})

    for response in (not_a_date, backwards, no_object):
        assert response.status_code == 400
        assert "<h1>Audit</h1>" in response.content.decode()
        assert "Export CSV" not in response.content.decode()
    assert (
        rita.get("/audit/", {"date_from": "0001-01-01", "date_to": "9999-12-31"}).status_code == 200
    )
    assert "Enter a valid date" in errors_of(not_a_date.content)
    assert "To is before From" in errors_of(backwards.content)
    assert "such as document:12" in errors_of(no_object.content)


def test_export_csv_is_the_api_export_with_the_page_filters(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    first = make_document(alice, "one")
    make_document(alice, "two")
    rita = page_client(users["rita"])
    page = rita.get("/audit/", {"action": "document.create", "object": f"document:{first}"})
    link = re.search(r'<a href="([^"]+)" download>Export CSV</a>', page.content.decode())
    assert link
    href = link.group(1).replace("&amp;", "&")

    exported = rita.get(href)
    from_api = client_for("rita").get(
        f"/api/v1/audit/events/export/?format=csv&action=document.create"
        f"&object_type=document&object_id={first}"
    )

    assert href.startswith("/api/v1/audit/events/export/?format=csv")
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    body = streamed(exported)
    assert body == streamed(from_api)
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert [(row["action"], row["object_id"]) for row in rows] == [("document.create", str(first))]
    whole_day = rita.get("/audit/", {"date_to": rows[0]["at"][:10]})
    assert "before=" in whole_day.content.decode()  # "To" includes its day: before the next


def test_verify_chain_reads_chain_intact(alice: APIClient, users: dict[str, User]) -> None:
    make_document(alice, "a")
    rita = page_client(users["rita"])
    assert "Chain intact" not in rita.get("/audit/").content.decode()

    full = submit(rita, "/audit/", "/audit/verify/", {})
    fragment = rita.post(  # as htmx asks: the token in its header, the answer a fragment
        "/audit/verify/",
        HTTP_HX_REQUEST="true",
        HTTP_X_CSRFTOKEN=rita.cookies["csrftoken"].value,
    )

    assert full.status_code == 200  # type: ignore[attr-defined]
    assert "Chain intact" in full.content.decode()  # type: ignore[attr-defined]
    assert "<h1>Audit</h1>" in full.content.decode()  # type: ignore[attr-defined]
    assert fragment.status_code == 200
    assert "Chain intact" in fragment.content.decode()
    assert "<h1>" not in fragment.content.decode()
    assert rita.post("/audit/verify/").status_code == 403  # no CSRF token
    assert rita.get("/audit/verify/").status_code == 405


@pytest.mark.commits  # tampering alters the table, refused with trigger events pending
def test_verify_chain_names_the_first_tampered_event(
    alice: APIClient, users: dict[str, User]
) -> None:
    make_document(alice, "a")
    make_document(alice, "b")
    victim = AuditEvent.objects.filter(action="document.create").order_by("seq").first()
    assert victim is not None
    tamper(victim, details={"title": "forged"})
    rita = page_client(users["rita"])

    result = submit(rita, "/audit/", "/audit/verify/", {}).content.decode()  # type: ignore[attr-defined]

    assert "Chain intact" not in result
    assert f"Chain broken at event #{victim.seq} (document.create on document:" in result
    assert "content does not match its hash" in result


def test_placing_and_releasing_a_hold_writes_the_api_events_and_blocks_deletion(
    alice: APIClient, users: dict[str, User]
) -> None:
    document = make_document(alice, "evidence")
    rita = page_client(users["rita"])

    placed = submit(
        rita,
        "/audit/holds/",
        "/audit/holds/",
        {"object_type": "document", "object_id": document, "reason": "case 42"},
    )
    listed = rita.get("/audit/holds/")
    refused = alice.delete(f"/api/v1/documents/{document}/")
    hold = LegalHold.objects.get()
    released = submit(rita, "/audit/holds/", f"/audit/holds/{hold.pk}/release/", {})
    again = submit(rita, "/audit/holds/", f"/audit/holds/{hold.pk}/release/", {})

    assert placed.status_code == 302  # type: ignore[attr-defined]
    assert placed["Location"] == "/audit/holds/"  # type: ignore[index]
    rows = body_rows(listed.content)
    assert rows[0][:4] == [f"document:{document}", "case 42", "rita", rows[0][3]]
    assert rows[0][4] == "Active" and rows[0][5] == "Release hold"
    assert refused.status_code == 409 and refused.json()["code"] == "legal_hold"
    assert released.status_code == 302  # type: ignore[attr-defined]
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert "The hold is already lifted." in again.content.decode()  # type: ignore[attr-defined]
    assert body_rows(rita.get("/audit/holds/").content)[0][4].startswith("Released by rita")
    events = AuditEvent.objects.filter(action__startswith="hold.").order_by("seq")
    assert [(e.action, e.actor_username, e.object_id, e.details) for e in events] == [
        ("hold.place", "rita", str(document), {"hold": hold.pk, "reason": "case 42"}),
        ("hold.lift", "rita", str(document), {"hold": hold.pk, "reason": "case 42"}),
    ]
    assert alice.delete(f"/api/v1/documents/{document}/").status_code == 204


def test_a_bad_hold_answers_the_form_again_and_places_nothing(
    alice: APIClient, users: dict[str, User]
) -> None:
    document = make_document(alice, "evidence")
    rita = page_client(users["rita"])

    no_reason = submit(
        rita, "/audit/holds/", "/audit/holds/", {"object_type": "document", "object_id": document}
    )
    missing = submit(
        rita,
        "/audit/holds/",
        "/audit/holds/",
        {"object_type": "folder", "object_id": 999999, "reason": "case"},
    )
    not_a_kind = submit(
        rita,
        "/audit/holds/",
        "/audit/holds/",
        {"object_type": "lead", "object_id": document, "reason": "case"},
    )
    unknown_hold = submit(rita, "/audit/holds/", "/audit/holds/999999/release/", {})

    for response in (no_reason, missing, not_a_kind):
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert "<h1>Legal holds</h1>" in response.content.decode()  # type: ignore[attr-defined]
    assert "This field is required." in errors_of(no_reason.content)  # type: ignore[attr-defined]
    assert "No folder 999999." in errors_of(missing.content)  # type: ignore[attr-defined]
    assert "Select a valid choice" in errors_of(not_a_kind.content)  # type: ignore[attr-defined]
    assert unknown_hold.status_code == 404  # type: ignore[attr-defined]
    assert not LegalHold.objects.exists()
    assert not AuditEvent.objects.filter(action="hold.place").exists()
