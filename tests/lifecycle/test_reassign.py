"""The route's owner or an administrator hands an open task to another principal; the access to
the version under review goes with it."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.helpers import upload
from tests.lifecycle.helpers import decide, inbox, make_route, status_of, step, submit, task_for

pytestmark = pytest.mark.rolled_back


@pytest.fixture
def carol(users: dict[str, User], client_for: Callable[[str], APIClient]) -> APIClient:
    users["carol"] = User.objects.create_user("carol", "carol@example.com", "carol-pass-1")
    return client_for("carol")


def _in_review(alice: APIClient) -> int:
    document = int(upload(alice, b"to reassign", "r.txt").json()["id"])
    submit(alice, document, make_route(alice, "R", step("A", "user:bob")))
    return document


def reassign(client: APIClient, task: int, to: str) -> Any:
    return client.post(f"/api/v1/approvals/{task}/reassign/", {"to": to}, format="json")


def test_the_route_owner_hands_a_task_and_its_access_to_another(
    alice: APIClient, bob: APIClient, carol: APIClient
) -> None:
    document = _in_review(alice)
    task = task_for(bob, document)
    response = reassign(alice, task, "user:carol")
    assert response.status_code == 200, response.content
    assert response.json()["principal"] == "user:carol"
    assert inbox(bob) == []
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404
    assert carol.get(f"/api/v1/documents/{document}/download/").status_code == 200
    event = AuditEvent.objects.get(action="approval.reassign")
    assert event.details["from"] == "user:bob" and event.details["to"] == "user:carol"
    assert decide(carol, task_for(carol, document)).status_code == 201
    assert status_of(alice, document) == "approved"


def test_only_the_route_owner_or_an_administrator_reassigns(
    alice: APIClient, bob: APIClient, carol: APIClient, admin: APIClient
) -> None:
    document = _in_review(alice)
    task = task_for(bob, document)
    refused = reassign(bob, task, "user:bob")  # the approver sees the document
    assert refused.status_code == 403
    assert reassign(carol, task, "user:carol").status_code == 404
    assert reassign(admin, task, "user:carol").status_code == 200


def test_a_closed_task_or_an_unknown_principal_is_refused(alice: APIClient, bob: APIClient) -> None:
    document = _in_review(alice)
    task = task_for(bob, document)
    unknown = reassign(alice, task, "user:nobody")
    assert unknown.status_code == 400
    assert unknown.json()["code"] == "unknown_principal"
    assert decide(bob, task).status_code == 201
    closed = reassign(alice, task, "user:admin")
    assert closed.status_code == 409
    assert closed.json()["code"] == "task_closed"
