"""Moving documents and folders: `delete` on what moves, `edit` on where it goes.

Each test plays an attacker who holds some rights on someone else's content and tries to turn a
move into more rights, or to plant content where others will see it.
"""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, Folder
from tests.helpers import upload
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def _move_document(client: APIClient, document: int, folder: int | None) -> int:
    response = client.patch(f"/api/v1/documents/{document}/", {"folder": folder}, format="json")
    return int(response.status_code)


def _move_folder(client: APIClient, folder: int, parent: int | None) -> int:
    response = client.patch(f"/api/v1/folders/{folder}/", {"parent": parent}, format="json")
    return int(response.status_code)


def test_an_editor_cannot_move_a_document_into_a_folder_of_their_own(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    """`view`+`edit` do not let bob take a document where he could grant himself the rest."""
    legal = make_folder(alice, "Legal")
    document = make_document(alice, "contract", legal)
    grant(alice, "folders", legal, entry("user:bob", "view", "edit"))
    mine = make_folder(bob, "Mine")
    assert _move_document(bob, document, mine) == 403
    assert Document.objects.get(pk=document).folder_id == legal
    assert AuditEvent.objects.filter(
        action="access_denied",
        actor_username="bob",
        object_type="document",
        object_id=str(document),
        details__permission="delete",
    ).exists()
    assert bob.get(f"/api/v1/documents/{document}/download/").status_code == 403
    grant(alice, "folders", legal, entry("user:bob", "view", "edit", "delete"))
    assert _move_document(bob, document, mine) == 200
    event = AuditEvent.objects.filter(action="document.update", object_id=str(document)).last()
    assert event is not None and event.details["moved"] == {"from": legal, "to": mine}


def test_an_editor_cannot_move_a_folder_out_into_a_folder_of_their_own(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    """Editing a folder (renaming it) is not leaving with it and everything inside."""
    top = make_folder(alice, "Top")
    sub = make_folder(alice, "Sub", top)
    make_document(alice, "inside", sub)
    grant(alice, "folders", top, entry("user:bob", "view", "edit"))
    mine = make_folder(bob, "Mine")
    assert _move_folder(bob, sub, mine) == 403
    assert _move_folder(bob, sub, None) == 403
    assert Folder.objects.get(pk=sub).parent_id == top
    assert (
        bob.patch(f"/api/v1/folders/{sub}/", {"name": "Renamed"}, format="json").status_code == 200
    )
    grant(alice, "folders", top, entry("user:bob", "view", "edit", "delete"))
    assert _move_folder(bob, sub, mine) == 200
    event = AuditEvent.objects.filter(action="folder.update", object_id=str(sub)).last()
    assert event is not None and event.details["moved"] == {"from": top, "to": mine}


def test_a_viewer_cannot_plant_content_in_a_folder(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    """Seeing a folder does not let bob move, create or upload anything into it."""
    shared = make_folder(alice, "Shared")
    grant(alice, "folders", shared, entry("user:bob", "view"))
    planted = make_folder(bob, "Planted")
    own = make_document(bob, "leaflet")
    assert _move_folder(bob, planted, shared) == 403
    assert _move_document(bob, own, shared) == 403
    created = bob.post("/api/v1/folders/", {"name": "New", "parent": shared}, format="json")
    assert created.status_code == 403
    assert upload(bob, b"planted bytes", "p.txt", folder=shared).status_code == 403
    assert Folder.objects.filter(parent_id=shared).count() == 0
    assert Document.objects.filter(folder_id=shared).count() == 0
    grant(alice, "folders", shared, entry("user:bob", "view", "edit"))
    assert _move_folder(bob, planted, shared) == 200
    assert _move_document(bob, own, shared) == 200


def test_a_destination_the_caller_cannot_see_answers_like_a_missing_one(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    """404 for a folder bob cannot see and for one that does not exist: nothing tells them apart."""
    private = make_folder(alice, "Private")
    own_folder = make_folder(bob, "Mine")
    own = make_document(bob, "note")
    hidden = bob.patch(f"/api/v1/documents/{own}/", {"folder": private}, format="json")
    missing = bob.patch(f"/api/v1/documents/{own}/", {"folder": 987654}, format="json")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == {
        "detail": f"No folder {private} that you can see.",
        "code": "not_found",
    }
    assert missing.json() == {"detail": "No folder 987654 that you can see.", "code": "not_found"}
    for parent in (private, 987654):
        assert _move_folder(bob, own_folder, parent) == 404
        created = bob.post("/api/v1/folders/", {"name": "x", "parent": parent}, format="json")
        assert created.status_code == 404
        assert upload(bob, b"x", "x.txt", folder=parent).status_code == 404
    assert Document.objects.get(pk=own).folder_id is None
    assert (
        bob.patch(f"/api/v1/documents/{own}/", {"folder": "abc"}, format="json").status_code == 400
    )


def test_moving_to_the_root_needs_delete_on_what_moves(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    """The root has no ACL: a move there grants nobody anything, but it takes the document away
    from everyone the folder shared it with, so it needs `delete` like any other move."""
    legal = make_folder(alice, "Legal")
    document = make_document(alice, "contract", legal)
    grant(alice, "folders", legal, entry("user:bob", "view", "edit"))
    assert _move_document(bob, document, None) == 403
    grant(alice, "folders", legal, entry("user:bob", "view", "edit", "delete"))
    assert _move_document(bob, document, None) == 200
    assert Document.objects.get(pk=document).folder_id is None
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404  # nothing inherited
    assert alice.get(f"/api/v1/documents/{document}/").status_code == 200  # the owner keeps it


def test_editing_other_fields_is_not_a_move(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    """Naming the folder the document is already in moves nothing and needs no `delete`."""
    legal = make_folder(alice, "Legal")
    document = make_document(alice, "contract", legal)
    grant(alice, "folders", legal, entry("user:bob", "view", "edit"))
    response = bob.patch(
        f"/api/v1/documents/{document}/", {"folder": legal, "title": "Signed"}, format="json"
    )
    assert response.status_code == 200 and response.json()["title"] == "Signed"
    event = AuditEvent.objects.filter(action="document.update", object_id=str(document)).last()
    assert event is not None and "moved" not in event.details


def test_a_folder_cannot_move_inside_itself(alice: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    top = make_folder(alice, "Top")
    below = make_folder(alice, "Below", top)
    for destination in (top, below):
        response = alice.patch(f"/api/v1/folders/{top}/", {"parent": destination}, format="json")
        assert response.status_code == 409 and response.json()["code"] == "folder_cycle"
    assert Folder.objects.get(pk=top).parent_id is None


def test_deleting_a_folder_needs_delete_on_it(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    """As for documents, and as for moving it away: `edit` alone renames, it does not remove."""
    top = make_folder(alice, "Top")
    empty = make_folder(alice, "Empty", top)
    grant(alice, "folders", top, entry("user:bob", "view", "edit"))
    assert bob.delete(f"/api/v1/folders/{empty}/").status_code == 403
    grant(alice, "folders", top, entry("user:bob", "view", "edit", "delete"))
    assert bob.delete(f"/api/v1/folders/{empty}/").status_code == 204
