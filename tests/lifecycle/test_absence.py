"""Out of office: an approver names a substitute for a period; tasks that reach them meanwhile go
to the substitute, whose sign-off says "on behalf of" and signs it. And the ways to abuse it:
naming oneself or another's absence, passing a task on, approving one's own submission."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lifecycle.models import Absence, ApprovalTask, SignOff
from tests.helpers import upload
from tests.lifecycle.helpers import decide, inbox, make_route, runs, step, submit, task_for

pytestmark = pytest.mark.rolled_back

ABSENCE = "/api/v1/approvals/absence/"


@pytest.fixture
def people(users: dict[str, User], client_for: Callable[[str], APIClient]) -> dict[str, Any]:
    for name in ("carol", "dave"):
        users[name] = User.objects.create_user(name, f"{name}@example.com", f"{name}-pass-1")
    return {name: client_for(name) for name in ("alice", "bob", "carol", "dave", "admin")}


def away(client: APIClient, substitute: str, **period: Any) -> Any:
    body = {"substitute": substitute, "ends": (timezone.now() + timedelta(days=7)).isoformat()}
    body.update({key: value.isoformat() for key, value in period.items()})
    return client.put(ABSENCE, body, format="json")


def _in_review(alice: APIClient, *steps: dict[str, Any]) -> int:
    document = int(upload(alice, b"a contract for the absent", "a.txt").json()["id"])
    submit(alice, document, make_route(alice, "Contracts", *steps))
    return document


def test_one_sets_reads_and_ends_ones_own_absence(people: dict[str, Any]) -> None:
    bob = people["bob"]
    assert bob.get(ABSENCE).json() == {
        "substitute": None,
        "starts": None,
        "ends": None,
        "active": False,
    }
    response = away(bob, "carol")
    assert response.status_code == 200, response.content
    assert response.json()["substitute"] == "carol" and response.json()["active"] is True
    assert bob.get(ABSENCE).json()["substitute"] == "carol"
    event = AuditEvent.objects.get(action="absence.set")
    assert event.actor_username == "bob" and event.details["substitute"] == "carol"

    assert bob.delete(ABSENCE).status_code == 204
    assert bob.get(ABSENCE).json()["substitute"] is None
    assert AuditEvent.objects.filter(action="absence.end").count() == 1
    assert bob.delete(ABSENCE).status_code == 204  # nothing left to end: nothing written
    assert AuditEvent.objects.filter(action="absence.end").count() == 1


def test_bad_absences_are_refused_and_nothing_is_kept(people: dict[str, Any]) -> None:
    bob = people["bob"]
    User.objects.filter(username="dave").update(is_active=False)
    now = timezone.now()
    cases = {
        "bob": "substitute_is_self",
        "nobody": "does_not_exist",
        "dave": "does_not_exist",  # inactive
    }
    for substitute, code in cases.items():
        refused = away(bob, substitute)
        assert refused.status_code == 400, substitute
        assert refused.json()["code"] == code
    backwards = away(bob, "carol", starts=now + timedelta(days=2), ends=now + timedelta(days=1))
    assert backwards.status_code == 400 and backwards.json()["code"] == "invalid_period"
    past = away(bob, "carol", starts=now - timedelta(days=3), ends=now - timedelta(days=1))
    assert past.status_code == 400 and past.json()["code"] == "in_the_past"
    assert bob.put(ABSENCE, {"substitute": "carol"}, format="json").status_code == 400
    assert not Absence.objects.exists()
    assert not AuditEvent.objects.filter(action="absence.set").exists()


def test_no_one_sets_another_users_absence(people: dict[str, Any]) -> None:
    """The body has no user: a `user` field is ignored and the caller's own absence is set."""
    carol = people["carol"]
    body = {"user": "bob", "substitute": "carol", "ends": "2999-01-01T00:00:00Z"}
    assert carol.put(ABSENCE, body, format="json").status_code == 400  # carol names herself
    body["substitute"] = "dave"
    assert carol.put(ABSENCE, body, format="json").status_code == 200
    (absence,) = Absence.objects.all()
    assert absence.user.username == "carol"


def test_a_task_reaching_an_absent_approver_goes_to_the_substitute_who_signs_on_their_behalf(
    people: dict[str, Any],
) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    assert away(bob, "carol").status_code == 200
    document = _in_review(alice, step("Legal", "user:bob"))

    assert inbox(bob) == []
    (listed,) = inbox(carol)
    assert (listed["principal"], listed["on_behalf_of"]) == ("user:carol", "bob")
    assert carol.get(f"/api/v1/documents/{document}/download/").status_code == 200
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404
    event = AuditEvent.objects.get(action="approval.substitute")
    assert (event.details["on_behalf_of"], event.details["to"]) == ("bob", "user:carol")

    refused = decide(bob, listed["id"])  # the absent approver: not theirs any more
    assert refused.status_code == 404
    decided = decide(carol, listed["id"])
    assert decided.status_code == 201, decided.content
    assert decided.json()["on_behalf_of"] == "bob"
    (run,) = runs(alice, document)
    (shown,) = run["steps"][0]["decisions"]
    assert (shown["actor"], shown["on_behalf_of"]) == ("carol", "bob")
    verify = alice.get(f"/api/v1/route-runs/{run['id']}/verify/").json()
    assert verify["ok"] is True and verify["decisions"][0]["on_behalf_of"] == "bob"


def test_on_behalf_of_is_signed(people: dict[str, Any]) -> None:
    """Removing "on behalf of" from a stored decision, or adding it, breaks its signature."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    away(bob, "carol")
    document = _in_review(alice, step("Legal", "user:bob"))
    assert decide(carol, task_for(carol, document)).status_code == 201
    run = runs(alice, document)[0]["id"]
    SignOff.objects.update(on_behalf_of="")
    assert alice.get(f"/api/v1/route-runs/{run}/verify/").json()["ok"] is False
    SignOff.objects.update(on_behalf_of="dave")
    assert alice.get(f"/api/v1/route-runs/{run}/verify/").json()["ok"] is False
    SignOff.objects.update(on_behalf_of="bob")
    assert alice.get(f"/api/v1/route-runs/{run}/verify/").json()["ok"] is True


def test_an_absence_ahead_or_ended_changes_nothing(people: dict[str, Any]) -> None:
    alice, bob = people["alice"], people["bob"]
    now = timezone.now()
    away(bob, "carol", starts=now + timedelta(days=1), ends=now + timedelta(days=2))
    assert bob.get(ABSENCE).json()["active"] is False
    document = _in_review(alice, step("Legal", "user:bob"))
    assert [t["document"]["id"] for t in inbox(bob)] == [document]
    assert inbox(people["carol"]) == []


def test_a_task_already_held_stays_and_its_approver_may_still_decide(
    people: dict[str, Any],
) -> None:
    alice, bob = people["alice"], people["bob"]
    document = _in_review(alice, step("Legal", "user:bob"))
    away(bob, "carol")
    task = task_for(bob, document)
    assert inbox(people["carol"]) == []
    assert decide(bob, task).status_code == 201


def test_a_substitution_goes_one_hop_only(people: dict[str, Any]) -> None:
    """bob's substitute carol is away too (substitute dave): bob's task stays with bob, so no
    one passes on a task that was never theirs."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    away(bob, "carol")
    away(carol, "dave")
    _in_review(alice, step("Legal", "user:bob"))
    assert ApprovalTask.objects.get().principal == "user:bob"
    assert inbox(people["dave"]) == []


def test_the_submitter_never_receives_their_own_document_as_substitute(
    people: dict[str, Any],
) -> None:
    alice, bob = people["alice"], people["bob"]
    away(bob, "alice")
    _in_review(alice, step("Legal", "user:bob"))
    task = ApprovalTask.objects.get()
    assert (task.principal, task.on_behalf_of) == ("user:bob", "")
    assert inbox(alice) == []


def test_a_substitute_already_deciding_the_step_does_not_decide_twice(
    people: dict[str, Any],
) -> None:
    alice, bob = people["alice"], people["bob"]
    away(bob, "carol")
    _in_review(alice, step("Legal", "user:bob", "user:carol"))
    assert sorted(ApprovalTask.objects.values_list("principal", flat=True)) == [
        "user:bob",
        "user:carol",
    ]


def test_a_group_task_is_not_substituted(people: dict[str, Any]) -> None:
    """A group's task is open to its other members; an absent member's substitute gets none."""
    alice, bob = people["alice"], people["bob"]
    Group.objects.create(name="legal").user_set.add(User.objects.get(username="bob"))
    away(bob, "carol")
    _in_review(alice, step("Legal", "group:legal"))
    assert ApprovalTask.objects.get().principal == "group:legal"
    assert len(inbox(bob)) == 1 and inbox(people["carol"]) == []


def test_a_substitute_cannot_pass_the_task_on_but_the_owner_reassigns(
    people: dict[str, Any],
) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    away(bob, "carol")
    document = _in_review(alice, step("Legal", "user:bob"))
    task = task_for(carol, document)
    passed = carol.post(f"/api/v1/approvals/{task}/reassign/", {"to": "user:dave"}, format="json")
    assert passed.status_code == 403
    assert inbox(people["dave"]) == []
    moved = alice.post(f"/api/v1/approvals/{task}/reassign/", {"to": "user:dave"}, format="json")
    assert moved.status_code == 200
    assert (moved.json()["principal"], moved.json()["on_behalf_of"]) == ("user:dave", "")


def test_a_task_reassigned_to_an_absent_user_goes_to_their_substitute(
    people: dict[str, Any],
) -> None:
    alice, carol, dave = people["alice"], people["carol"], people["dave"]
    document = _in_review(alice, step("Legal", "user:bob"))
    task = task_for(people["bob"], document)
    away(carol, "dave")
    moved = alice.post(f"/api/v1/approvals/{task}/reassign/", {"to": "user:carol"}, format="json")
    assert moved.status_code == 200
    assert (moved.json()["principal"], moved.json()["on_behalf_of"]) == ("user:dave", "carol")
    event = AuditEvent.objects.get(action="approval.reassign")
    assert (event.details["asked_for"], event.details["to"]) == ("user:carol", "user:dave")
    assert decide(dave, task).json()["on_behalf_of"] == "carol"
