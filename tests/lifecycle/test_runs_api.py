"""Runs as submitters and approvers meet them: submit pins the route and document versions, the
status machine moves the document, steps complete by their mode, and a document under review
keeps still."""

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.helpers import new_version, upload
from tests.lifecycle.helpers import (
    decide,
    inbox,
    make_route,
    runs,
    status_of,
    step,
    submit,
    task_for,
)
from tests.permissions.acl_helpers import entry, grant, make_folder

pytestmark = pytest.mark.rolled_back


@pytest.fixture
def people(users: dict[str, User], client_for: Callable[[str], APIClient]) -> dict[str, APIClient]:
    """alice submits; bob, carol and dave approve; carol and dave are in `legal`."""
    for name in ("carol", "dave"):
        users[name] = User.objects.create_user(name, f"{name}@example.com", f"{name}-pass-1")
    Group.objects.create(name="legal").user_set.add(users["carol"], users["dave"])
    return {name: client_for(name) for name in ("alice", "bob", "carol", "dave", "admin", "rita")}


def _document(client: APIClient, content: bytes = b"the contract") -> int:
    response = upload(client, content, "contract.txt", title="Contract")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def test_submit_pins_the_versions_and_puts_the_document_in_review(
    people: dict[str, APIClient],
) -> None:
    alice = people["alice"]
    document = _document(alice)
    route = make_route(alice, "Contracts", step("Director", "user:bob"))
    run = submit(alice, document, route)
    assert run["status"] == "running"
    assert run["route"] == route and run["route_version"] == 1
    assert run["version"]["number"] == 1
    assert run["submitted_by"] == "alice"
    assert run["steps"][0]["state"] == "active"
    assert [t["principal"] for t in run["steps"][0]["tasks"]] == ["user:bob"]
    assert status_of(alice, document) == "in_review"
    assert AuditEvent.objects.filter(action="route.submit", object_id=str(document)).exists()
    assert AuditEvent.objects.filter(action="document.status", object_id=str(document)).exists()
    # Submitting again while it is in review is a conflict.
    again = alice.post(f"/api/v1/documents/{document}/submit/", {"route": route}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "illegal_status_change"


def test_submit_needs_edit_and_manage_acl_and_a_real_route(people: dict[str, APIClient]) -> None:
    """Submitting shares the version with the approvers: an editor who may not share the
    document cannot show it to anyone by naming them in a route."""
    alice, bob, dave = people["alice"], people["bob"], people["dave"]
    folder = make_folder(alice, "Shared")
    grant(
        alice,
        "folders",
        folder,
        entry("user:bob", "view"),
        entry("user:dave", "view", "download", "edit"),
    )
    response = upload(alice, b"shared", "s.txt", folder=folder)
    document = int(response.json()["id"])
    route = make_route(alice, "R", step("x", "user:admin"))
    refused = bob.post(f"/api/v1/documents/{document}/submit/", {"route": route}, format="json")
    assert refused.status_code == 403
    editor = dave.post(f"/api/v1/documents/{document}/submit/", {"route": route}, format="json")
    assert editor.status_code == 403
    assert "manage_acl" in editor.json()["detail"]
    hidden = people["carol"].post(
        f"/api/v1/documents/{document}/submit/", {"route": route}, format="json"
    )
    assert hidden.status_code == 404
    missing = alice.post(f"/api/v1/documents/{document}/submit/", {"route": 99999}, format="json")
    assert missing.status_code == 400
    assert status_of(alice, document) == "draft"


def test_a_two_step_route_approves_the_document(people: dict[str, APIClient]) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    document = _document(alice)
    route = make_route(
        alice, "Two steps", step("Director", "user:bob"), step("Legal", "group:legal", mode="any")
    )
    submit(alice, document, route)
    assert inbox(carol) == []  # the second step has not started
    assert decide(bob, task_for(bob, document)).status_code == 201
    assert status_of(alice, document) == "in_review"
    assert inbox(bob) == []
    (task,) = inbox(carol)
    assert task["step"] == 1 and task["step_name"] == "Legal"
    assert task["document"]["title"] == "Contract"
    assert decide(carol, task["id"]).status_code == 201
    assert status_of(alice, document) == "approved"
    (run,) = runs(alice, document)
    assert run["status"] == "approved"
    assert [s["state"] for s in run["steps"]] == ["done", "done"]
    assert inbox(people["dave"]) == []  # the group's task closed with the step


def test_two_approvers_of_a_quorum_group_step(people: dict[str, APIClient]) -> None:
    """A group step in quorum 2: one member's approval leaves the task open to the other."""
    alice, carol, dave = people["alice"], people["carol"], people["dave"]
    document = _document(alice)
    route = make_route(alice, "Quorum", step("Legal", "group:legal", mode="quorum", quorum=2))
    submit(alice, document, route)
    task = task_for(carol, document)
    assert task_for(dave, document) == task  # one group task, in every member's inbox
    assert decide(carol, task).status_code == 201
    assert status_of(alice, document) == "in_review"
    assert inbox(carol) == []  # decided: gone from carol's inbox, still in dave's
    twice = decide(carol, task)
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"
    assert decide(dave, task_for(dave, document)).status_code == 201
    assert status_of(alice, document) == "approved"
    (run,) = runs(alice, document)
    assert [d["actor"] for d in run["steps"][0]["decisions"]] == ["carol", "dave"]


def test_all_mode_waits_for_every_approver(people: dict[str, APIClient]) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    document = _document(alice)
    route = make_route(alice, "All", step("Both", "user:bob", "group:legal", mode="all"))
    submit(alice, document, route)
    assert decide(bob, task_for(bob, document)).status_code == 201
    assert status_of(alice, document) == "in_review"
    assert decide(carol, task_for(carol, document)).status_code == 201
    assert status_of(alice, document) == "approved"


@pytest.mark.parametrize(("decision", "status"), [("reject", "rejected"), ("return", "draft")])
def test_reject_and_return_end_the_run_and_need_a_comment(
    people: dict[str, APIClient], decision: str, status: str
) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    document = _document(alice)
    route = make_route(alice, "R", step("A", "user:bob", "group:legal", mode="all"))
    submit(alice, document, route)
    task = task_for(bob, document)
    bare = decide(bob, task, decision)
    assert bare.status_code == 400
    assert "comment" in bare.json()["errors"]
    assert decide(bob, task, decision, "Clause 4 is wrong").status_code == 201
    assert status_of(alice, document) == status
    (run,) = runs(alice, document)
    assert run["status"] == {"reject": "rejected", "return": "returned"}[decision]
    assert run["steps"][0]["decisions"][0]["comment"] == "Clause 4 is wrong"
    assert inbox(carol) == []
    # Deciding on a finished run: the other approver's task is closed.
    (other,) = [t for t in run["steps"][0]["tasks"] if t["principal"] == "group:legal"]
    late = decide(carol, other["id"])
    assert late.status_code == 409
    assert late.json()["code"] == "run_finished"


def test_deciding_another_approvers_task_is_403(people: dict[str, APIClient]) -> None:
    alice, bob = people["alice"], people["bob"]
    document = _document(alice)
    submit(alice, document, make_route(alice, "R", step("A", "user:bob")))
    task = task_for(bob, document)
    # alice sees the document (her own) but the task is bob's.
    refused = decide(alice, task)
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_your_task"
    # an administrator does not sign in another's name either
    assert decide(people["admin"], task).status_code == 403
    # carol cannot see the document: the task does not exist for her.
    assert decide(people["carol"], task).status_code == 404
    assert decide(bob, 999999).status_code == 404
    assert status_of(alice, document) == "in_review"
    assert AuditEvent.objects.filter(action="access_denied", actor_username="alice").exists()


def test_a_decision_is_audited_with_its_signature(people: dict[str, APIClient]) -> None:
    alice, bob = people["alice"], people["bob"]
    document = _document(alice)
    submit(alice, document, make_route(alice, "R", step("A", "user:bob")))
    sign_off = decide(bob, task_for(bob, document), "approve", "fine").json()
    event = AuditEvent.objects.get(action="approval.decide")
    assert event.actor_username == "bob"
    assert event.details["decision"] == "approve"
    assert event.details["signature"] == sign_off["signature"]
    assert event.details["sha256"] == sign_off["sha256"]


def test_a_document_under_review_keeps_still(people: dict[str, APIClient]) -> None:
    """No new version, no move, no trash while in review (409); after withdrawal all work."""
    alice = people["alice"]
    document = _document(alice)
    folder = make_folder(alice, "Elsewhere")
    submit(alice, document, make_route(alice, "R", step("A", "user:bob")))
    version = new_version(alice, document, b"changed", "contract.txt")
    assert version.status_code == 409 and version.json()["code"] == "in_review"
    moved = alice.patch(f"/api/v1/documents/{document}/", {"folder": folder}, format="json")
    assert moved.status_code == 409 and moved.json()["code"] == "in_review"
    trashed = alice.delete(f"/api/v1/documents/{document}/")
    assert trashed.status_code == 409 and trashed.json()["code"] == "in_review"
    assert alice.get(f"/api/v1/documents/{document}/versions/").json()[-1]["number"] == 1

    withdrawn = alice.post(f"/api/v1/documents/{document}/withdraw/")
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "withdrawn"
    assert status_of(alice, document) == "draft"
    assert inbox(people["bob"]) == []
    assert AuditEvent.objects.filter(action="route.withdraw", object_id=str(document)).exists()
    assert new_version(alice, document, b"changed", "contract.txt").status_code == 201
    assert (
        alice.patch(f"/api/v1/documents/{document}/", {"folder": folder}, format="json").status_code
        == 200
    )


def test_only_the_submitter_withdraws(people: dict[str, APIClient]) -> None:
    alice, bob = people["alice"], people["bob"]
    document = _document(alice)
    submit(alice, document, make_route(alice, "R", step("A", "user:bob")))
    refused = bob.post(f"/api/v1/documents/{document}/withdraw/")  # the approver sees it
    assert refused.status_code == 403
    assert people["carol"].post(f"/api/v1/documents/{document}/withdraw/").status_code == 404
    assert status_of(alice, document) == "in_review"
    assert alice.post(f"/api/v1/documents/{document}/withdraw/").status_code == 200
    again = alice.post(f"/api/v1/documents/{document}/withdraw/")
    assert again.status_code == 409 and again.json()["code"] == "not_in_review"


def test_a_new_version_of_an_approved_document_starts_at_draft(
    people: dict[str, APIClient],
) -> None:
    alice, bob = people["alice"], people["bob"]
    document = _document(alice)
    submit(alice, document, make_route(alice, "R", step("A", "user:bob")))
    decide(bob, task_for(bob, document))
    assert status_of(alice, document) == "approved"
    assert new_version(alice, document, b"version two", "contract.txt").status_code == 201
    assert status_of(alice, document) == "draft"
    event = AuditEvent.objects.filter(action="document.status").order_by("-seq").first()
    assert event is not None and event.details["by"] == "new_version"
    # The approved version is still there, unchanged, with its signed approval.
    versions = alice.get(f"/api/v1/documents/{document}/versions/").json()
    (run,) = runs(alice, document)
    assert run["version"]["number"] == 1
    assert run["version"]["sha256"] == versions[0]["sha256"]
    assert run["steps"][0]["decisions"][0]["sha256"] == versions[0]["sha256"]


def test_an_edit_of_the_route_mid_run_leaves_the_running_run_alone(
    people: dict[str, APIClient],
) -> None:
    """The running run finishes on the version it pinned; the next run takes the new one."""
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    first = _document(alice, b"first")
    route = make_route(alice, "R", step("A", "user:bob"), step("B", "group:legal", mode="any"))
    submit(alice, first, route)
    decide(bob, task_for(bob, first))
    edited = alice.put(
        f"/api/v1/routes/{route}/",
        {"name": "R2", "steps": [step("Only", "user:admin")]},
        format="json",
    )
    assert edited.status_code == 200
    # The running run is still on step B, for legal, as pinned.
    (task,) = inbox(carol)
    assert task["step_name"] == "B"
    assert inbox(people["admin"]) == []
    decide(carol, task["id"])
    assert status_of(alice, first) == "approved"
    (run,) = runs(alice, first)
    assert run["route_version"] == 1 and run["route_name"] == "R"
    assert [s["name"] for s in run["steps"]] == ["A", "B"]
    # A new run takes version 2.
    second = _document(alice, b"second")
    new_run = submit(alice, second, route)
    assert new_run["route_version"] == 2
    assert [s["name"] for s in new_run["steps"]] == ["Only"]
    assert inbox(bob) == []
    assert len(inbox(people["admin"])) == 1


def test_the_inbox_is_newest_first_and_paged(people: dict[str, APIClient]) -> None:
    alice, carol = people["alice"], people["carol"]
    route = make_route(alice, "R", step("Legal", "group:legal", mode="any"))
    documents = [_document(alice, f"doc {n}".encode()) for n in range(3)]
    for document in documents:
        submit(alice, document, route)
    page = carol.get("/api/v1/approvals/inbox/?page_size=2").json()
    assert page["count"] == 3
    assert [t["document"]["id"] for t in page["results"]] == documents[::-1][:2]
    assert page["next"] is not None
    assert people["bob"].get("/api/v1/approvals/inbox/").json()["count"] == 0


def test_a_role_approvers_task_shows_to_the_role(people: dict[str, APIClient]) -> None:
    alice, rita = people["alice"], people["rita"]
    document = _document(alice)
    submit(alice, document, make_route(alice, "R", step("Records", "role:records_manager")))
    assert decide(rita, task_for(rita, document)).status_code == 201
    assert status_of(alice, document) == "approved"


def test_a_group_task_decided_by_one_member_is_closed_to_the_others(
    people: dict[str, APIClient],
) -> None:
    """In `all` mode one member speaks for the group: the task closes for the other members."""
    alice, bob, carol, dave = people["alice"], people["bob"], people["carol"], people["dave"]
    document = _document(alice)
    submit(alice, document, make_route(alice, "R", step("A", "user:bob", "group:legal")))
    task = task_for(carol, document)
    assert decide(carol, task).status_code == 201
    assert inbox(dave) == []
    closed = decide(dave, task)
    assert closed.status_code == 409 and closed.json()["code"] == "task_closed"
    assert status_of(alice, document) == "in_review"  # bob's task is still open
    assert decide(bob, task_for(bob, document)).status_code == 201
    assert status_of(alice, document) == "approved"


def test_a_tasks_due_time_follows_its_steps_deadline(people: dict[str, APIClient]) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    document = _document(alice)
    route = make_route(
        alice, "R", step("A", "user:bob", deadline_hours=48), step("B", "group:legal", mode="any")
    )
    submit(alice, document, route)
    (task,) = inbox(bob)
    created = datetime.fromisoformat(task["created_at"])
    assert datetime.fromisoformat(task["due_at"]) - created == timedelta(hours=48)
    decide(bob, task["id"])
    assert inbox(carol)[0]["due_at"] is None  # no deadline on that step
