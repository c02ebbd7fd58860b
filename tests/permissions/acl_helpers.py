"""Builders for ACL tests: folders, documents and ACLs through the public API."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from repository.models import Document
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


def varied_documents(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> list[Document]:
    """Folders with allows, denies and `inherit: false`; a document ACL; owner rights off."""
    admin = client_for("admin")
    carol = User.objects.create_user("carol", password="carol-pass-1")
    Group.objects.get(name="sales").user_set.add(carol)
    top = make_folder(alice, "Top")
    cut = make_folder(alice, "Cut", top)  # carol denied: sales is stored member by member
    closed = make_folder(alice, "Closed", top)  # inherit: false, bob only
    regranted = make_folder(alice, "Regranted", cut)  # an allow nearer than the deny
    grant(
        alice, "folders", top, entry("group:sales", "view"), entry("role:records_manager", "view")
    )
    grant(alice, "folders", cut, entry("user:carol", "view", effect="deny"))
    grant(alice, "folders", closed, entry("user:bob", "view"), inherit=False)
    grant(alice, "folders", regranted, entry("everyone", "view"))
    ids = [make_document(alice, f"root {n}") for n in range(2)]
    for folder in (top, cut, closed, regranted):
        ids += [make_document(alice, f"in {folder} #{n}", folder) for n in range(3)]
    own_acl, no_owner_rights, own_deny = ids[2], ids[5], ids[6]
    grant(alice, "documents", own_acl, entry("user:bob", "view"), inherit=False)
    response = put_acl(admin, "documents", no_owner_rights, owner_rights=False)
    assert response.status_code == 200, response.content
    grant(alice, "documents", own_deny, entry("group:sales", "view", effect="deny"))
    Document.objects.filter(pk__in=[ids[3], ids[7], ids[8]]).update(owner=users["bob"])
    return list(Document.objects.filter(pk__in=ids).order_by("pk"))
