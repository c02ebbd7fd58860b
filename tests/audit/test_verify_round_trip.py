"""What the chain hashes reads back unchanged from the database, so verify stays true and keeps
catching tampering after events whose numbers or addresses the database re-encodes."""

from collections.abc import Callable

from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.audit.tampering import tamper
from tests.permissions.acl_helpers import make_document


def test_metadata_numbers_leave_the_chain_verifiable_and_tampering_visible(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """`{"amount": 1e16}` (which jsonb gives back as 10000000000000000) verifies; a later
    forged event is still named."""
    document = make_document(alice, "invoice")
    metadata = {"amount": 1e16, "rate": 1e-7, "ledger": 2**60 + 1, "credit": -0.0, "big": 1e300}
    response = alice.patch(f"/api/v1/documents/{document}/", {"metadata": metadata}, format="json")
    assert response.status_code == 200, response.content
    rita = client_for("rita")
    verified = rita.get("/api/v1/audit/verify/").json()
    assert verified["ok"] is True, verified
    assert verified["checked"] == AuditEvent.objects.count()

    update = AuditEvent.objects.get(action="document.update")
    assert update.details == {
        "changed": {
            "metadata": {
                "amount": 10**16,
                "rate": 1e-7,
                "ledger": 2**60 + 1,
                "credit": 0,
                "big": int(1e300),
            }
        }
    }
    alice.get(f"/api/v1/documents/{document}/")
    later = AuditEvent.objects.get(action="document.view")
    tamper(later, actor_username="mallory")
    result = rita.get("/api/v1/audit/verify/").json()
    assert result["ok"] is False and result["first_bad_seq"] == later.seq


def test_a_changed_number_is_caught(alice: APIClient, admin: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "invoice")
    alice.patch(f"/api/v1/documents/{document}/", {"metadata": {"amount": 1e16}}, format="json")
    update = AuditEvent.objects.get(action="document.update")
    tamper(update, details={"changed": {"metadata": {"amount": 10**16 + 2}}})
    result = admin.get("/api/v1/audit/verify/").json()
    assert result["ok"] is False and result["first_bad_seq"] == update.seq


def test_ipv4_clients_of_a_dual_stack_server_are_recorded_by_their_ipv4_address(
    alice: APIClient,
    admin: APIClient,
    users,  # type: ignore[no-untyped-def]
) -> None:
    """A server listening on IPv6 sees IPv4 clients as ::ffff:a.b.c.d; the trail names the IPv4
    address, the filter finds it under either spelling, and the chain verifies."""
    document = make_document(alice, "memo")
    alice.get(f"/api/v1/documents/{document}/", REMOTE_ADDR="::ffff:10.0.0.7")
    alice.get(f"/api/v1/documents/{document}/", REMOTE_ADDR="2001:db8:0:0:0:0:0:1")
    views = AuditEvent.objects.filter(action="document.view").order_by("seq")
    assert [event.ip for event in views] == ["10.0.0.7", "2001:db8::1"]
    for spelling in ("10.0.0.7", "::ffff:10.0.0.7", "::FFFF:a00:7"):
        found = admin.get(f"/api/v1/audit/events/?action=document.view&ip={spelling}").json()
        assert found["count"] == 1, spelling
    assert admin.get("/api/v1/audit/verify/").json()["ok"] is True
