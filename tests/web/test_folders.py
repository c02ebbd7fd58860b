"""The folder pages: browse, create, rename, move and delete through the folder services."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Folder
from tests.web.pages import api_document, buttons, signed_in, text

pytestmark = pytest.mark.rolled_back


def folder(client: APIClient, name: str, parent: int | None = None) -> int:
    response = client.post("/api/v1/folders/", {"name": name, "parent": parent}, format="json")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def share_folder(owner: APIClient, folder_id: int, principal: str, *permissions: str) -> None:
    body: dict[str, Any] = {
        "inherit": True,
        "entries": [{"principal": principal, "permissions": list(permissions), "effect": "allow"}],
    }
    assert owner.put(f"/api/v1/folders/{folder_id}/acl/", body, format="json").status_code == 200


def test_the_tree_shows_visible_folders_only(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    projects = folder(alice, "Projects")
    folder(alice, "Kontor", projects)
    folder(bob, "Bob private")
    client = signed_in(users["alice"])

    root = text(client.get("/folders/"))
    inside = text(client.get(f"/folders/{projects}/"))

    assert "Projects" in root and "Bob private" not in root
    assert "<h1>Projects</h1>" in inside and "Kontor" in inside
    assert f'href="/documents/?folder={projects}"' in inside


def test_a_folder_shared_inside_a_hidden_one_starts_the_tree(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    """Alice reaches bob's shared subfolder from the top without learning its parent's name."""
    private = folder(bob, "Bob private")
    shared = folder(bob, "For alice", private)
    share_folder(bob, shared, "user:alice", "view")

    root = text(signed_in(users["alice"]).get("/folders/"))

    assert f'href="/folders/{shared}/"' in root
    assert "Bob private" not in root


def test_a_folder_out_of_sight_is_the_404_page(users: dict[str, User], bob: APIClient) -> None:
    hidden = folder(bob, "Hidden")
    client = signed_in(users["alice"])
    assert client.get(f"/folders/{hidden}/").status_code == 404
    assert client.post(f"/folders/{hidden}/rename/", {"name": "Mine"}).status_code == 404
    assert Folder.objects.get(pk=hidden).name == "Hidden"


def test_create_at_the_top_and_inside(users: dict[str, User], alice: APIClient) -> None:
    client = signed_in(users["alice"])

    top = client.post("/folders/create/", {"name": "Archive"})
    archive = Folder.objects.get(name="Archive")
    inner = client.post("/folders/create/", {"name": "2026", "parent": str(archive.pk)})

    assert top["Location"] == f"/folders/{archive.pk}/"
    assert Folder.objects.get(name="2026").parent_id == archive.pk
    assert inner.status_code == 302
    assert AuditEvent.objects.filter(action="folder.create", actor_username="alice").count() == 2
    again = client.post("/folders/create/", {"name": "2026", "parent": str(archive.pk)})
    assert again.status_code == 409 and "exists here already" in text(again)


def test_create_inside_needs_edit_there(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    """With view only on bob's folder alice may look but not file a folder into it."""
    shared = folder(bob, "Shared")
    share_folder(bob, shared, "user:alice", "view")
    client = signed_in(users["alice"])

    assert "Create folder" not in buttons(text(client.get(f"/folders/{shared}/")))
    refused = client.post("/folders/create/", {"name": "Sneaked", "parent": str(shared)})

    assert refused.status_code == 403
    assert "may not add anything" in text(refused)
    assert not Folder.objects.filter(name="Sneaked").exists()


def test_rename_and_move(users: dict[str, User], alice: APIClient) -> None:
    source = folder(alice, "Draft")
    target = folder(alice, "Target")
    client = signed_in(users["alice"])

    client.post(f"/folders/{source}/rename/", {"name": "Final"})
    moved = client.post(f"/folders/{source}/move/", {"parent": str(target)})

    assert moved.status_code == 302
    final = Folder.objects.get(pk=source)
    assert (final.name, final.parent_id) == ("Final", target)
    back = client.post(f"/folders/{source}/move/", {"parent": ""})
    assert back.status_code == 302 and Folder.objects.get(pk=source).parent_id is None
    inside_itself = client.post(f"/folders/{target}/move/", {"parent": str(target)})
    assert inside_itself.status_code == 409


def test_a_move_needs_delete_on_what_moves_and_edit_on_the_destination(
    users: dict[str, User], alice: APIClient, bob: APIClient
) -> None:
    """View and edit on bob's folder are not enough to carry it away (delete is)."""
    bobs = folder(bob, "Bob's project")
    share_folder(bob, bobs, "user:alice", "view", "edit")
    mine = folder(alice, "Mine")
    client = signed_in(users["alice"])

    refused = client.post(f"/folders/{bobs}/move/", {"parent": str(mine)})

    assert refused.status_code == 403
    assert "delete" in text(refused)
    assert Folder.objects.get(pk=bobs).parent_id is None

    readonly = folder(bob, "Read only")
    share_folder(bob, readonly, "user:alice", "view")
    into_readonly = client.post(f"/folders/{mine}/move/", {"parent": str(readonly)})
    assert into_readonly.status_code == 403
    assert Folder.objects.get(pk=mine).parent_id is None


def test_delete_only_an_empty_folder(users: dict[str, User], alice: APIClient) -> None:
    full = folder(alice, "Full")
    api_document(alice, b"inside", "i.txt", folder=full)
    empty = folder(alice, "Empty")
    client = signed_in(users["alice"])

    refused = client.post(f"/folders/{full}/delete/")
    deleted = client.post(f"/folders/{empty}/delete/")

    assert refused.status_code == 409 and "not empty" in text(refused)
    assert deleted.status_code == 302
    assert not Folder.objects.filter(pk=empty).exists()
    assert AuditEvent.objects.filter(action="folder.delete", object_id=str(empty)).exists()


def test_folder_permissions_use_the_same_editor(users: dict[str, User], alice: APIClient) -> None:
    shared = folder(alice, "Team")
    client = signed_in(users["alice"])
    assert "Save permissions" in buttons(text(client.get(f"/folders/{shared}/")))

    client.post(
        f"/folders/{shared}/permissions/",
        {
            "entry-count": "0",
            "inherit": "1",
            "new-principal": "group:sales",
            "new-permissions": ["view"],
            "new-effect": "allow",
        },
    )

    entries = alice.get(f"/api/v1/folders/{shared}/acl/").json()["entries"]
    assert entries == [{"principal": "group:sales", "permissions": ["view"], "effect": "allow"}]
    assert AuditEvent.objects.filter(action="folder.acl_change", object_id=str(shared)).exists()
