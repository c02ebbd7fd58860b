"""Routes as their users meet them: any user defines one, its owner or an administrator edits
it, every edit is a new immutable version, bad definitions answer 400 with field errors."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.lifecycle.helpers import make_route, step

pytestmark = pytest.mark.rolled_back


def test_any_user_defines_a_route_with_ordered_steps(alice: APIClient, bob: APIClient) -> None:
    """The route answers with its owner, version 1 and the steps in order, with defaults."""
    response = alice.post(
        "/api/v1/routes/",
        {
            "name": "Contracts",
            "steps": [
                step("Legal", "group:sales", mode="quorum", quorum=2, deadline_hours=48),
                # a quorum outside a quorum step means nothing and is not kept
                step("Director", "user:bob", "role:records_manager", mode="any", quorum=1),
                {"name": "Finance", "approvers": ["user:admin"], "mode": "all"},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Contracts"
    assert body["owner"] == "alice"
    assert body["version"] == 1
    assert [s["name"] for s in body["steps"]] == ["Legal", "Director", "Finance"]
    assert body["steps"][0] == {
        "name": "Legal",
        "approvers": ["group:sales"],
        "mode": "quorum",
        "quorum": 2,
        "deadline_hours": 48,
        "escalation": None,
    }
    assert body["steps"][1]["quorum"] is None
    assert body["steps"][2]["mode"] == "all"
    event = AuditEvent.objects.get(action="route.create")
    assert event.actor_username == "alice" and event.object_id == str(body["id"])
    # Routes are shared definitions: another user reads and lists them.
    assert bob.get(f"/api/v1/routes/{body['id']}/").json()["name"] == "Contracts"
    assert bob.get("/api/v1/routes/").json()["count"] == 1


def test_an_edit_makes_a_new_version_and_keeps_the_old_one(alice: APIClient) -> None:
    route = make_route(alice, "Memo", step("One", "user:bob"))
    response = alice.put(
        f"/api/v1/routes/{route}/",
        {"name": "Memo v2", "steps": [step("One", "user:bob"), step("Two", "user:admin")]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    versions = alice.get(f"/api/v1/routes/{route}/versions/").json()
    assert versions["count"] == 2
    first, second = versions["results"]
    assert (first["number"], first["name"], len(first["steps"])) == (1, "Memo", 1)
    assert (second["number"], second["name"], len(second["steps"])) == (2, "Memo v2", 2)
    assert AuditEvent.objects.filter(action="route.edit", object_id=str(route)).count() == 1


def test_only_the_owner_or_an_administrator_edits(
    alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    route = make_route(alice, "Memo", step("One", "user:bob"))
    body = {"name": "Taken over", "steps": [step("One", "user:bob")]}
    refused = bob.put(f"/api/v1/routes/{route}/", body, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "not_owner"
    assert alice.get(f"/api/v1/routes/{route}/").json()["version"] == 1
    assert admin.put(f"/api/v1/routes/{route}/", body, format="json").status_code == 200
    assert AuditEvent.objects.filter(action="access_denied", actor_username="bob").exists()


@pytest.mark.parametrize(
    ("steps", "field"),
    [
        ([], "steps"),
        ([{"name": "x", "approvers": [], "mode": "all"}], "steps"),
        ([{"name": "x", "approvers": ["bob"], "mode": "all"}], "steps"),
        ([{"name": "x", "approvers": ["everyone"], "mode": "all"}], "steps"),
        ([{"name": "x", "approvers": ["user:bob"], "mode": "most"}], "steps"),
        ([{"name": "x", "approvers": ["user:bob"], "mode": "quorum"}], "steps"),
        ([{"name": "x", "approvers": ["user:bob"], "mode": "quorum", "quorum": 0}], "steps"),
        ([{"name": "x", "approvers": ["user:bob"], "mode": "all", "deadline_hours": 0}], "steps"),
        ([{"name": "x", "approvers": ["user:bob", "user:bob"], "mode": "all"}], "steps"),
        ([{"approvers": ["user:bob"], "mode": "any"}], "steps"),
        ([{"name": "x", "approvers": ["user:bob"]}], "steps"),
        (["x"], "steps"),
    ],
    ids=lambda v: str(v),
)
def test_a_bad_definition_answers_400_naming_the_field(
    alice: APIClient, steps: list[Any], field: str
) -> None:
    response = alice.post("/api/v1/routes/", {"name": "Bad", "steps": steps}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="route.create").exists()


def test_an_unknown_approver_is_refused(alice: APIClient) -> None:
    response = alice.post(
        "/api/v1/routes/", {"name": "R", "steps": [step("x", "user:nobody")]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_principal"


def test_a_quorum_no_set_of_named_users_can_reach_is_refused(alice: APIClient) -> None:
    too_many = step("x", "user:bob", "user:admin", mode="quorum", quorum=3)
    response = alice.post("/api/v1/routes/", {"name": "R", "steps": [too_many]}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "unreachable_quorum"
    # a group may grow: its quorum is not checked against today's members
    grown = step("x", "group:sales", mode="quorum", quorum=3)
    assert (
        alice.post("/api/v1/routes/", {"name": "R", "steps": [grown]}, format="json").status_code
        == 201
    )


def test_a_missing_route_is_404(alice: APIClient) -> None:
    assert alice.get("/api/v1/routes/999999/").status_code == 404
    assert alice.get("/api/v1/routes/999999/versions/").status_code == 404
