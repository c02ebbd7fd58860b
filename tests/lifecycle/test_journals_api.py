"""Registration journals through the API: administrators define them, a document's editor
registers it, and numbers run gapless per journal and year (`IN-2026-000001`, ...)."""

import importlib
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lifecycle.models import Journal, JournalCounter, Registration
from repository.models import IndexOutbox
from tests.permissions.acl_helpers import make_document
from tests.web.pages import share

pytestmark = pytest.mark.rolled_back

JOURNALS = "/api/v1/journals/"


def journal(code: str, number_format: str = "{code}-{year}-{number:06d}") -> Journal:
    """The journal `code` (the default ones are made by a migration, but a test's flush may
    have taken them)."""
    found, _ = Journal.objects.get_or_create(
        code=code, defaults={"name": f"Journal {code}", "format": number_format}
    )
    return found


def register(client: APIClient, document: int, code: str) -> Any:
    return client.post(f"/api/v1/documents/{document}/register/", {"journal": code}, format="json")


def this_year() -> int:
    return timezone.localtime().year


def test_administrators_create_journals_everyone_lists_them(
    admin: APIClient, alice: APIClient
) -> None:
    body = {"code": "CTR", "name": "Contracts", "format": "{code}/{year}/{number:04d}"}
    refused = alice.post(JOURNALS, body, format="json")
    assert refused.status_code == 403
    assert not Journal.objects.filter(code="CTR").exists()

    created = admin.post(JOURNALS, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "CTR" and created.json()["format"] == body["format"]
    event = AuditEvent.objects.get(action="journal.create")
    assert event.details["code"] == "CTR" and event.actor_username == "admin"

    listed = alice.get(JOURNALS + "?page_size=100").json()["results"]
    assert "CTR" in [item["code"] for item in listed]
    again = admin.post(JOURNALS, body, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_code"


def test_a_journal_without_a_format_numbers_like_in_2026_000123(admin: APIClient) -> None:
    created = admin.post(JOURNALS, {"code": "ARC", "name": "Archive"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["format"] == "{code}-{year}-{number:06d}"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "in", "name": "Lower"}, "code"),
        ({"code": "1N", "name": "Digit first"}, "code"),
        ({"code": "TOOLONGCODE1", "name": "Long"}, "code"),
        ({"code": "X", "name": "   "}, "name"),
        ({"code": "X", "name": "No number", "format": "{code}-{year}"}, "format"),
        ({"code": "X", "name": "No year", "format": "{code}-{number}"}, "format"),
        ({"code": "X", "name": "No code", "format": "{year}-{number}"}, "format"),
        ({"code": "X", "name": "Twice", "format": "{code}{year}{number}{number}"}, "format"),
        ({"code": "X", "name": "Attribute", "format": "{code.__class__}{year}{number}"}, "format"),
        ({"code": "X", "name": "Index", "format": "{code[0]}{year}{number}"}, "format"),
        ({"code": "X", "name": "Huge", "format": "{code}{year}{number:0999999999d}"}, "format"),
        ({"code": "X", "name": "Spaces", "format": "{code}{year}{number:>9}"}, "format"),
        ({"code": "X", "name": "Conversion", "format": "{code!r}{year}{number}"}, "format"),
        ({"code": "X", "name": "Broken", "format": "{code}{year}{number"}, "format"),
        ({"code": "X", "name": "Other", "format": "{code}{year}{number}{month}"}, "format"),
        ({"code": "X", "name": "Long", "format": "{code}" + "x" * 60 + "{year}{number}"}, "format"),
    ],
)
def test_bad_journals_are_refused_with_400_and_not_stored(
    admin: APIClient, body: dict[str, str], field: str
) -> None:
    response = admin.post(JOURNALS, body, format="json")
    assert response.status_code == 400, response.content
    assert field in str(response.json())
    assert not Journal.objects.filter(code=body["code"]).exists()


def test_numbers_run_gapless_per_journal(alice: APIClient) -> None:
    journal("IN")
    journal("OUT")
    year = this_year()
    documents = [make_document(alice, f"letter {n}") for n in range(3)]

    numbers = []
    for document in documents:
        response = register(alice, document, "IN")
        assert response.status_code == 201, response.content
        body = response.json()
        assert set(body) == {"journal", "number", "registered_at"}
        assert body["journal"] == "IN"
        numbers.append(body["number"])
    assert numbers == [f"IN-{year}-{n:06d}" for n in (1, 2, 3)]

    outgoing = register(alice, documents[0], "OUT").json()["number"]
    assert outgoing == f"OUT-{year}-000001"  # a journal of its own counts from 1
    shown = alice.get(f"/api/v1/documents/{documents[1]}/").json()
    assert shown["registration_number"] == f"IN-{year}-000002"
    # The latest registration is the document's number; every one stays in the journal.
    assert alice.get(f"/api/v1/documents/{documents[0]}/").json()["registration_number"] == outgoing
    assert Registration.objects.filter(document_id=documents[0]).count() == 2


def test_registration_is_audited_and_queues_a_reindex(alice: APIClient) -> None:
    journal("IN")
    document = make_document(alice, "audited")
    IndexOutbox.objects.filter(document_id=document).delete()

    number = register(alice, document, "IN").json()["number"]

    event = AuditEvent.objects.get(action="document.register")
    assert (event.object_type, event.object_id) == ("document", str(document))
    assert event.details == {"journal": "IN", "number": number}
    assert event.actor_username == "alice"
    assert IndexOutbox.objects.filter(document_id=document).exists()


def test_a_document_is_registered_once_per_journal(alice: APIClient) -> None:
    journal("IN")
    first, second = make_document(alice, "one"), make_document(alice, "two")
    number = register(alice, first, "IN").json()["number"]

    again = register(alice, first, "IN")
    assert again.status_code == 409
    assert again.json()["code"] == "already_registered"
    assert number in again.json()["detail"]
    assert AuditEvent.objects.filter(action="document.register").count() == 1
    # The refusal used no number: the next document gets the next one.
    assert register(alice, second, "IN").json()["number"].endswith("-000002")


def test_numbers_start_again_at_one_each_year(alice: APIClient) -> None:
    journal("IN")
    documents = [make_document(alice, f"yearly {n}") for n in range(3)]
    moments = [
        datetime(2026, 12, 31, 12, tzinfo=UTC),
        datetime(2026, 12, 31, 13, tzinfo=UTC),
        datetime(2027, 6, 1, 12, tzinfo=UTC),
    ]
    numbers = []
    for document, moment in zip(documents, moments, strict=True):
        with mock.patch("django.utils.timezone.now", return_value=moment):
            numbers.append(register(alice, document, "IN").json()["number"])
    assert numbers == ["IN-2026-000001", "IN-2026-000002", "IN-2027-000001"]
    counters = JournalCounter.objects.filter(journal__code="IN").order_by("year")
    assert [(c.year, c.last_number) for c in counters] == [(2026, 2), (2027, 1)]


def test_registering_needs_edit_and_hides_documents_one_cannot_see(
    alice: APIClient, bob: APIClient, client_for: Any, users: dict[str, User]
) -> None:
    journal("IN")
    document = make_document(alice, "private")
    share(alice, document, "user:bob", "view")
    rita = client_for("rita")

    viewer = register(bob, document, "IN")
    assert viewer.status_code == 403
    assert register(rita, document, "IN").status_code == 404  # cannot see it at all
    assert register(alice, 999_999_999, "IN").status_code == 404
    unknown = register(alice, document, "NOPE")
    assert unknown.status_code == 400
    assert "journal" in str(unknown.json())
    assert not Registration.objects.exists()
    assert not JournalCounter.objects.filter(last_number__gt=0).exists()

    share(alice, document, "user:bob", "view", "edit")
    assert register(bob, document, "IN").status_code == 201


def test_a_registration_that_fails_gives_its_number_back(
    admin: APIClient, alice: APIClient
) -> None:
    """Two formats can meet (`AB` + `2026` + `1` and `A` + `B2026` + `1`): the second journal's
    registration fails with 409, and its counter stays where it was."""
    journal("AB", "{code}{year}{number}")
    journal("A", "{code}B{year}{number}")
    first, second = make_document(alice, "first"), make_document(alice, "second")
    assert register(alice, first, "AB").status_code == 201

    clash = register(alice, second, "A")
    assert clash.status_code == 409
    assert clash.json()["code"] == "number_taken"
    assert not Registration.objects.filter(document_id=second).exists()
    assert not JournalCounter.objects.filter(journal__code="A", last_number__gt=0).exists()
    assert alice.get(f"/api/v1/documents/{second}/").json()["registration_number"] is None


def test_the_default_journals_are_incoming_outgoing_and_internal(database: None) -> None:
    migration = importlib.import_module("lifecycle.migrations.0003_journals")
    Journal.objects.filter(code__in=["IN", "OUT", "INT"]).delete()

    migration.add_default_journals(apps, None)
    migration.add_default_journals(apps, None)  # again: nothing doubles

    defaults = Journal.objects.filter(code__in=["IN", "OUT", "INT"]).order_by("code")
    assert [(j.code, j.name) for j in defaults] == [
        ("IN", "Incoming"),
        ("INT", "Internal"),
        ("OUT", "Outgoing"),
    ]
    assert {j.format for j in defaults} == {"{code}-{year}-{number:06d}"}
