"""The records manager's audit trail: queries, CSV export, verify, refused accesses."""

import csv
import io
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connection, transaction
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.helpers import streamed
from tests.permissions.acl_helpers import entry, grant, make_document

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_who_read_this_document_from_where_and_is_the_log_intact(
    alice: APIClient,
    bob: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    document = make_document(alice, "board minutes")
    grant(alice, "documents", document, entry("user:bob", "view", "download"))
    bob.get(f"/api/v1/documents/{document}/", REMOTE_ADDR="10.0.0.7", HTTP_USER_AGENT="firefox")
    streamed(bob.get(f"/api/v1/documents/{document}/download/", REMOTE_ADDR="10.0.0.7"))
    rita = client_for("rita")
    events = rita.get(
        f"/api/v1/audit/events/?object_type=document&object_id={document}&actor=bob"
    ).json()
    assert events["count"] == 2
    actions = {(e["action"], e["actor"], e["ip"]) for e in events["results"]}
    assert actions == {
        ("document.view", "bob", "10.0.0.7"),
        ("document.download", "bob", "10.0.0.7"),
    }
    first = events["results"][0]
    assert set(first) == {
        "seq",
        "at",
        "actor",
        "ip",
        "user_agent",
        "action",
        "object_type",
        "object_id",
        "details",
        "hash",
        "prev_hash",
    }
    assert rita.get("/api/v1/audit/events/?ip=10.0.0.7").json()["count"] == 2
    assert rita.get("/api/v1/audit/events/?action=document.download").json()["count"] == 1
    assert rita.get("/api/v1/audit/events/?after=2999-01-01").json()["count"] == 0
    assert (
        rita.get("/api/v1/audit/events/?before=2999-01-01").json()["count"]
        == AuditEvent.objects.count()
    )
    assert rita.get("/api/v1/audit/events/?page_size=1").json()["next"]
    assert rita.get("/api/v1/audit/events/?after=yesterday").status_code == 400
    assert rita.get("/api/v1/audit/events/?ip=nope").status_code == 400
    verified = rita.get("/api/v1/audit/verify/").json()
    assert verified["ok"] is True and verified["first_bad_seq"] is None
    assert verified["checked"] == AuditEvent.objects.count()


def test_only_records_managers_and_admins_read_the_trail(
    alice: APIClient,
    admin: APIClient,
    users,  # type: ignore[no-untyped-def]
) -> None:
    for path in (
        "/api/v1/audit/events/",
        "/api/v1/audit/events/export/?format=csv",
        "/api/v1/audit/verify/",
    ):
        assert alice.get(path).status_code == 403, path
        assert admin.get(path).status_code == 200, path
    assert AuditEvent.objects.filter(action="access_denied", actor_username="alice").count() == 3


def test_csv_export_streams_every_matching_event(
    alice: APIClient, client_for: Callable[[str], APIClient], users
) -> None:  # type: ignore[no-untyped-def]
    make_document(alice, "one")
    make_document(alice, "two")
    response = client_for("rita").get(
        "/api/v1/audit/events/export/?format=csv&action=document.create"
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(streamed(response).decode())))
    assert [row["action"] for row in rows] == ["document.create", "document.create"]
    assert rows[0]["actor"] == "alice" and len(rows[0]["hash"]) == 64


@pytest.mark.commits  # tampering alters the table, refused with trigger events pending
def test_verify_names_the_first_tampered_event(alice: APIClient, admin: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    make_document(alice, "a")
    make_document(alice, "b")
    victim = AuditEvent.objects.filter(action="document.create").order_by("seq").first()
    assert victim is not None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
    AuditEvent.objects.filter(pk=victim.pk).update(details={"title": "forged"})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
    result = admin.get("/api/v1/audit/verify/").json()
    assert result["ok"] is False and result["first_bad_seq"] == victim.seq


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_refuses_update_and_delete_of_events(alice: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    make_document(alice, "a")
    event = AuditEvent.objects.first()
    assert event is not None
    for statement in (
        "UPDATE audit_auditevent SET action = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [event.pk])
