"""Personal data in audit events replaced by pseudonyms: addresses past the retention, texts
naming an erased person. The chain keeps verifying, and every other change is still caught (and
on PostgreSQL refused by the append-only trigger)."""

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from audit.chain import GENESIS_HASH, event_hash
from audit.keyed import keyed_digest, pseudonym
from audit.models import AuditEvent
from audit.pseudonymise import forget_old_addresses, pseudonymise_texts
from audit.record import RequestContext, record
from audit.verify import verify_chain
from tests.audit.tampering import tamper

pytestmark = pytest.mark.django_db(transaction=True)

LATER = timedelta(days=181)  # past the default retention of 180 days


def _earlier_release_event(scheme: int, *, seq: int, prev_hash: str, ip: str) -> AuditEvent:
    """An event as a release before keyed digests wrote it (hash over the raw values)."""
    fields: dict[str, Any] = {
        "seq": seq,
        "at": timezone.now() - timedelta(days=1),
        "actor_username": "alice",
        "ip": ip,
        "user_agent": "curl",
        "action": "search",
        "object_type": "",
        "object_id": "",
        "details": {"q": "Greta Lindqvist", "count": 1},
    }
    digest = event_hash(scheme=scheme, prev_hash=prev_hash, **fields)
    return AuditEvent.objects.create(prev_hash=prev_hash, hash=digest, hash_scheme=scheme, **fields)


def _names_greta(text: str) -> bool:
    return "Greta" in text


def test_addresses_past_the_retention_become_pseudonyms_and_the_chain_verifies() -> None:
    old = record(RequestContext(ip="203.0.113.9"), "login", object_type="user", object_id="al")
    none = record(RequestContext.system(), "search", details={"q": "x"})
    call_command("pseudonymise_audit_addresses")  # nothing is old enough yet
    assert AuditEvent.objects.get(pk=old.pk).ip == "203.0.113.9"
    assert forget_old_addresses(now=timezone.now() + LATER) == 1
    stored = AuditEvent.objects.get(pk=old.pk)
    assert stored.ip is None and stored.ip_digest == keyed_digest("203.0.113.9")
    assert AuditEvent.objects.get(pk=none.pk).ip_digest == ""
    fresh = record(RequestContext(ip="203.0.113.10"), "search", details={"q": "y"})
    assert verify_chain().ok
    assert AuditEvent.objects.get(pk=fresh.pk).ip == "203.0.113.10"


def test_records_managers_still_find_a_pseudonymised_address(users: Any, admin: APIClient) -> None:
    """The pseudonym of an address is the same for every event: filtering by the address finds
    its events after the retention without the address being stored."""
    record(RequestContext(ip="198.51.100.4"), "login", object_type="user", object_id="al")
    forget_old_addresses(now=timezone.now() + LATER)
    found = admin.get("/api/v1/audit/events/", {"ip": "198.51.100.4"}).json()
    assert [event["action"] for event in found["results"]] == ["login"]
    assert found["results"][0]["ip"] is None


@pytest.mark.parametrize("scheme", [1, 2])
def test_events_of_earlier_releases_are_sealed_when_pseudonymised(scheme: int) -> None:
    first = _earlier_release_event(scheme, seq=1, prev_hash=GENESIS_HASH, ip="192.0.2.7")
    record(RequestContext(ip="192.0.2.8"), "search", details={"q": "Greta Lindqvist"})
    assert forget_old_addresses(now=timezone.now() + LATER) == 2
    assert pseudonymise_texts(AuditEvent.objects.all(), _names_greta) == [1, 2]
    sealed = AuditEvent.objects.get(pk=first.pk)
    assert sealed.seal and sealed.ip is None and sealed.details["q"] == pseudonym("Greta Lindqvist")
    assert sealed.hash == first.hash
    assert verify_chain().ok
    tamper(sealed, details={"q": "someone else", "count": 1})
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == 1


def test_a_forged_event_of_an_earlier_release_is_not_sealed() -> None:
    """Pseudonymising must not launder a forgery: the forged event stays as it was, caught."""
    event = _earlier_release_event(2, seq=1, prev_hash=GENESIS_HASH, ip="192.0.2.7")
    tamper(event, details={"q": "Greta forged", "count": 9})
    assert pseudonymise_texts(AuditEvent.objects.all(), _names_greta) == []
    assert forget_old_addresses(now=timezone.now() + LATER) == 0
    assert AuditEvent.objects.get(pk=event.pk).seal == ""
    assert verify_chain().first_bad_seq == 1


@pytest.mark.parametrize(
    "change",
    [
        {"ip_digest": "0" * 64},
        {"details": {"q": "\u27e6pseudonym " + "1" * 64 + "\u27e7"}},
        {"seal": "2" * 64},
        {"ip": "10.9.9.9"},
    ],
)
def test_changes_other_than_a_values_own_pseudonym_are_caught(change: dict[str, Any]) -> None:
    record(RequestContext.system(), "search", details={"q": "first"})
    event = record(RequestContext(ip="192.0.2.1"), "search", details={"q": "Greta"})
    forget_old_addresses(now=timezone.now() + LATER)
    pseudonymise_texts(AuditEvent.objects.filter(pk=event.pk), _names_greta)
    assert verify_chain().ok
    tamper(event, **change)
    result = verify_chain()
    assert not result.ok and result.first_bad_seq == event.seq


@pytest.mark.production_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
def test_postgresql_lets_through_only_the_replacement_by_pseudonyms() -> None:
    event = record(RequestContext(ip="192.0.2.1"), "search", details={"q": "Greta", "n": [1]})
    marker = pseudonym("Greta")
    refused = [
        # without the transaction saying so, even the allowed change
        ("UPDATE audit_auditevent SET ip = NULL, ip_digest = %s WHERE id = %s", "0" * 64, False),
        ("UPDATE audit_auditevent SET action = 'login' WHERE id = %s", None, True),
        ("UPDATE audit_auditevent SET ip = '10.0.0.1' WHERE id = %s", None, True),
        (
            'UPDATE audit_auditevent SET details = \'{"q": "other", "n": [1]}\' WHERE id = %s',
            None,
            True,
        ),
        ('UPDATE audit_auditevent SET details = \'{"q": "Greta"}\' WHERE id = %s', None, True),
        ("UPDATE audit_auditevent SET seal = 'x' WHERE id = %s", None, True),
        ("DELETE FROM audit_auditevent WHERE id = %s", None, True),
    ]
    for statement, extra, allowed in refused:
        params: list[Any] = [extra, event.pk] if extra else [event.pk]
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            if allowed:
                cursor.execute("SELECT set_config('kontor.audit_pseudonymise', 'on', true)")
            cursor.execute(statement, params)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('kontor.audit_pseudonymise', 'on', true)")
        cursor.execute(
            "UPDATE audit_auditevent SET details = jsonb_build_object('q', %s::text, 'n', '[1]'::jsonb)"
            " WHERE id = %s",
            [marker, event.pk],
        )
    assert AuditEvent.objects.get(pk=event.pk).details == {"q": marker, "n": [1]}
    assert verify_chain().ok
