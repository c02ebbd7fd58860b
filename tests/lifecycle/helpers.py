"""Builders for approval tests, through the public API."""

from typing import Any

from rest_framework.test import APIClient


def step(name: str, *approvers: str, mode: str = "all", **extra: Any) -> dict[str, Any]:
    return {"name": name, "approvers": list(approvers), "mode": mode, **extra}


def make_route(client: APIClient, name: str, *steps: dict[str, Any]) -> int:
    response = client.post("/api/v1/routes/", {"name": name, "steps": list(steps)}, format="json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def submit(client: APIClient, document: int, route: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/documents/{document}/submit/", {"route": route}, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def inbox(client: APIClient) -> list[dict[str, Any]]:
    response = client.get("/api/v1/approvals/inbox/?page_size=200")
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


def task_for(client: APIClient, document: int) -> int:
    (task,) = [t for t in inbox(client) if t["document"]["id"] == document]
    return int(task["id"])


def decide(client: APIClient, task: int, decision: str = "approve", comment: str = "") -> Any:
    return client.post(
        f"/api/v1/approvals/{task}/decide/",
        {"decision": decision, "comment": comment},
        format="json",
    )


def status_of(client: APIClient, document: int) -> str:
    return str(client.get(f"/api/v1/documents/{document}/").json()["status"])


def runs(client: APIClient, document: int) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/documents/{document}/route-runs/")
    assert response.status_code == 200, response.content
    return list(response.json()["results"])
