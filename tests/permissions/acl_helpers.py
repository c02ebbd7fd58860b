"""Builders for ACL tests: folders, documents and ACLs through the public API."""

from typing import Any

from rest_framework.test import APIClient

from tests.helpers import upload


def make_folder(client: APIClient, name: str, parent: int | None = None) -> int:
    response = client.post("/api/v1/folders/", {"name": name, "parent": parent}, format="json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def make_document(client: APIClient, title: str, folder: int | None = None, **fields: Any) -> int:
    extra = {"folder": folder} if folder is not None else {}
    response = upload(
        client, f"content of {title}".encode(), f"{title}.txt", title=title, **extra, **fields
    )
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def entry(principal: str, *permissions: str, effect: str = "allow") -> dict[str, Any]:
    return {"principal": principal, "permissions": list(permissions), "effect": effect}


def put_acl(
    client: APIClient,
    kind: str,
    object_id: int,
    *entries: dict[str, Any],
    inherit: bool = True,
    **extra: Any,
) -> Any:
    body = {"inherit": inherit, "entries": list(entries), **extra}
    return client.put(f"/api/v1/{kind}/{object_id}/acl/", body, format="json")


def grant(
    client: APIClient, kind: str, object_id: int, *entries: dict[str, Any], inherit: bool = True
) -> None:
    response = put_acl(client, kind, object_id, *entries, inherit=inherit)
    assert response.status_code == 200, response.content


def visible_ids(client: APIClient) -> set[int]:
    body = client.get("/api/v1/documents/?page_size=200").json()
    ids = {item["id"] for item in body["results"]}
    assert body["count"] == len(ids)
    return ids
