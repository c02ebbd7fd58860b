"""Every decision is bound to the exact bytes decided on and signed with the server's key:
verify recomputes the signatures, and a decision changed in the database fails it."""

import hashlib

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from lifecycle.models import SignOff
from tests.helpers import upload
from tests.lifecycle.helpers import decide, make_route, runs, step, submit, task_for

pytestmark = pytest.mark.rolled_back


def _decided(alice: APIClient, bob: APIClient) -> tuple[int, int]:
    document = int(upload(alice, b"the signed bytes", "s.txt").json()["id"])
    route = make_route(alice, "R", step("A", "user:bob"), step("B", "user:admin"))
    run = submit(alice, document, route)
    assert decide(bob, task_for(bob, document), "approve", "agreed").status_code == 201
    return document, int(run["id"])


def test_a_sign_off_keeps_actor_time_comment_sha256_and_signature(
    alice: APIClient, bob: APIClient
) -> None:
    document, run_id = _decided(alice, bob)
    (run,) = runs(alice, document)
    (decision,) = run["steps"][0]["decisions"]
    assert decision["actor"] == "bob"
    assert decision["decision"] == "approve"
    assert decision["comment"] == "agreed"
    assert decision["sha256"] == hashlib.sha256(b"the signed bytes").hexdigest()
    assert decision["decided_at"]
    assert len(decision["signature"]) == 64
    verified = alice.get(f"/api/v1/route-runs/{run_id}/verify/").json()
    assert verified == {
        "run": run_id,
        "ok": True,
        "checked": 1,
        "decisions": [
            {
                "id": decision["id"],
                "step": 0,
                "actor": "bob",
                "on_behalf_of": "",
                "decision": "approve",
                "valid": True,
            }
        ],
    }


@pytest.mark.parametrize(
    "change",
    [
        {"decision": "reject"},
        {"comment": "not agreed"},
        {"actor_username": "admin"},
        {"sha256": "0" * 64},
        {"on_behalf_of": "alice"},
        {"step": 1},
    ],
    ids=lambda v: next(iter(v)),
)
def test_a_decision_changed_in_the_database_fails_verification(
    alice: APIClient, bob: APIClient, change: dict[str, object]
) -> None:
    _document, run_id = _decided(alice, bob)
    SignOff.objects.filter(run_id=run_id).update(**change)
    verified = alice.get(f"/api/v1/route-runs/{run_id}/verify/").json()
    assert verified["ok"] is False
    assert [d["valid"] for d in verified["decisions"]] == [False]


def test_another_signing_key_fails_verification(alice: APIClient, bob: APIClient) -> None:
    """The signature is the server key's: one forged with another key does not verify."""
    _document, run_id = _decided(alice, bob)
    with override_settings(KONTOR_SIGNING_KEY="another key"):
        assert alice.get(f"/api/v1/route-runs/{run_id}/verify/").json()["ok"] is False
    assert alice.get(f"/api/v1/route-runs/{run_id}/verify/").json()["ok"] is True


def test_verify_needs_view_on_the_document(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    document, run_id = _decided(alice, bob)
    # bob's step is over: he no longer sees the document, so the run is not found for him.
    assert bob.get(f"/api/v1/route-runs/{run_id}/verify/").status_code == 404
    assert bob.get(f"/api/v1/documents/{document}/route-runs/").status_code == 404
    assert admin.get(f"/api/v1/route-runs/{run_id}/verify/").status_code == 200
    assert alice.get("/api/v1/route-runs/999999/verify/").status_code == 404
