"""Legal holds: placed and lifted by records managers; held documents cannot be deleted."""

import hashlib
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.blobs import blob_key, blob_storage
from repository.models import Document, Folder, Version
from tests.helpers import new_version
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_hold_blocks_deletion_by_everyone_until_lifted(
    alice: APIClient,
    admin: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    rita = client_for("rita")
    document = make_document(alice, "evidence")
    placed = rita.post(
        "/api/v1/holds/",
        {"object_type": "document", "object_id": document, "reason": "case 42"},
        format="json",
    )
    assert placed.status_code == 201, placed.content
    hold = placed.json()
    assert hold["is_active"] and hold["placed_by"] == "rita"
    for client in (alice, admin):
        refused = client.delete(f"/api/v1/documents/{document}/")
        assert refused.status_code == 409 and refused.json()["code"] == "legal_hold"
    assert rita.get("/api/v1/holds/?active=true").json()["count"] == 1
    lifted = rita.delete(f"/api/v1/holds/{hold['id']}/")
    assert lifted.status_code == 200 and lifted.json()["lifted_by"] == "rita"
    assert rita.delete(f"/api/v1/holds/{hold['id']}/").status_code == 409
    assert alice.delete(f"/api/v1/documents/{document}/").status_code == 204
    assert rita.get("/api/v1/holds/").json()["count"] == 1
    actions = list(
        AuditEvent.objects.filter(action__startswith="hold.").values_list("action", flat=True)
    )
    assert actions == ["hold.place", "hold.lift"]


def test_hold_on_a_folder_covers_everything_below(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    top = make_folder(alice, "Top")
    sub = make_folder(alice, "Sub", top)
    document = make_document(alice, "deep", sub)
    free = make_document(alice, "free")
    rita = client_for("rita")
    assert (
        rita.post(
            "/api/v1/holds/",
            {"object_type": "folder", "object_id": top, "reason": "audit"},
            format="json",
        ).status_code
        == 201
    )
    assert alice.delete(f"/api/v1/documents/{document}/").status_code == 409
    assert alice.delete(f"/api/v1/folders/{sub}/").status_code == 409
    assert alice.delete(f"/api/v1/documents/{free}/").status_code == 204


def test_only_records_managers_place_and_list_holds(
    alice: APIClient, admin: APIClient, client_for: Callable[[str], APIClient], users
) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "d")
    body = {"object_type": "document", "object_id": document, "reason": "r"}
    assert alice.post("/api/v1/holds/", body, format="json").status_code == 403
    assert alice.get("/api/v1/holds/").status_code == 403
    assert admin.post("/api/v1/holds/", body, format="json").status_code == 201
    rita = client_for("rita")
    assert (
        rita.post("/api/v1/holds/", {**body, "object_id": 999999}, format="json").status_code == 400
    )
    assert (
        rita.post("/api/v1/holds/", {**body, "object_type": "deal"}, format="json").status_code
        == 400
    )
    assert rita.get("/api/v1/holds/999999/").status_code == 404


def _hold(rita: APIClient, object_type: str, object_id: int) -> int:
    placed = rita.post(
        "/api/v1/holds/",
        {"object_type": object_type, "object_id": object_id, "reason": "case 7"},
        format="json",
    )
    assert placed.status_code == 201, placed.content
    return int(placed.json()["id"])


def _refused_for_hold(response: Any) -> bool:
    return bool(response.status_code == 409 and response.json()["code"] == "legal_hold")


def test_a_held_document_does_not_move_until_the_hold_is_lifted(
    alice: APIClient,
    admin: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """Neither out to a folder where it could then be deleted, nor to the root; nobody moves it."""
    rita = client_for("rita")
    legal = make_folder(alice, "Legal")
    elsewhere = make_folder(alice, "Elsewhere")
    document = make_document(alice, "evidence", legal)
    hold = _hold(rita, "document", document)
    for client in (alice, admin):
        for destination in (elsewhere, None):
            moved = client.patch(
                f"/api/v1/documents/{document}/", {"folder": destination}, format="json"
            )
            assert _refused_for_hold(moved), moved.content
    assert Document.objects.get(pk=document).folder_id == legal
    renamed = alice.patch(f"/api/v1/documents/{document}/", {"title": "Exhibit A"}, format="json")
    assert renamed.status_code == 200  # a hold keeps it in place, it does not freeze its title
    assert rita.delete(f"/api/v1/holds/{hold}/").status_code == 200
    moved = alice.patch(f"/api/v1/documents/{document}/", {"folder": elsewhere}, format="json")
    assert moved.status_code == 200


def test_nothing_escapes_a_held_folder_by_moving(
    alice: APIClient,
    admin: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """A document or sub-folder of a held folder stays; so it can never be deleted elsewhere."""
    rita = client_for("rita")
    case = make_folder(alice, "Case")
    sub = make_folder(alice, "Sub", case)
    loose = make_document(alice, "loose", case)
    deep = make_document(alice, "deep", sub)
    outside = make_folder(alice, "Outside")
    _hold(rita, "folder", case)
    for client in (alice, admin):
        for destination in (outside, None):
            moved = client.patch(
                f"/api/v1/documents/{loose}/", {"folder": destination}, format="json"
            )
            assert _refused_for_hold(moved), moved.content
            moved = client.patch(f"/api/v1/folders/{sub}/", {"parent": destination}, format="json")
            assert _refused_for_hold(moved), moved.content
        moved = client.patch(f"/api/v1/folders/{case}/", {"parent": outside}, format="json")
        assert _refused_for_hold(moved), moved.content
    # Moving inside the held folder is a move too: the hold keeps each thing where it is.
    moved = alice.patch(f"/api/v1/documents/{deep}/", {"folder": case}, format="json")
    assert _refused_for_hold(moved)
    assert Document.objects.get(pk=loose).folder_id == case
    assert Document.objects.get(pk=deep).folder_id == sub
    assert Folder.objects.get(pk=sub).parent_id == case
    assert Folder.objects.get(pk=case).parent_id is None
    for document in (loose, deep):
        assert _refused_for_hold(alice.delete(f"/api/v1/documents/{document}/"))


def test_a_folder_holding_something_held_does_not_move(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """Moving a folder carries what is inside it: a hold anywhere below pins the folder too."""
    rita = client_for("rita")
    top = make_folder(alice, "Top")
    middle = make_folder(alice, "Middle", top)
    bottom = make_folder(alice, "Bottom", middle)
    held = make_document(alice, "held", bottom)
    outside = make_folder(alice, "Outside")
    hold = _hold(rita, "document", held)
    for folder in (top, middle, bottom):
        moved = alice.patch(f"/api/v1/folders/{folder}/", {"parent": outside}, format="json")
        assert _refused_for_hold(moved), moved.content
    assert rita.delete(f"/api/v1/holds/{hold}/").status_code == 200
    _hold(rita, "folder", bottom)
    moved = alice.patch(f"/api/v1/folders/{top}/", {"parent": outside}, format="json")
    assert _refused_for_hold(moved)
    renamed = alice.patch(f"/api/v1/folders/{top}/", {"name": "Top (renamed)"}, format="json")
    assert renamed.status_code == 200


def test_moving_into_a_held_folder_puts_the_document_under_the_hold(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """Filing more into a held folder is allowed; what arrives is held from then on."""
    rita = client_for("rita")
    case = make_folder(alice, "Case")
    late = make_document(alice, "late evidence")
    _hold(rita, "folder", case)
    moved = alice.patch(f"/api/v1/documents/{late}/", {"folder": case}, format="json")
    assert moved.status_code == 200
    assert _refused_for_hold(alice.delete(f"/api/v1/documents/{late}/"))
    assert _refused_for_hold(
        alice.patch(f"/api/v1/documents/{late}/", {"folder": None}, format="json")
    )


def test_the_hold_answer_does_not_reach_those_who_may_not_move(
    alice: APIClient,
    bob: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """Permissions are checked before holds: a viewer learns nothing about a hold."""
    rita = client_for("rita")
    case = make_folder(alice, "Case")
    document = make_document(alice, "evidence", case)
    grant(alice, "folders", case, entry("user:bob", "view", "edit"))
    _hold(rita, "folder", case)
    mine = make_folder(bob, "Mine")
    moved = bob.patch(f"/api/v1/documents/{document}/", {"folder": mine}, format="json")
    assert moved.status_code == 403
    assert bob.delete(f"/api/v1/documents/{document}/").status_code == 403


def test_gc_blobs_keeps_the_bytes_of_held_documents(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """Every version of a held document keeps its bytes, however old, whatever else is removed."""
    rita = client_for("rita")
    document = make_document(alice, "evidence")
    assert new_version(alice, document, b"second draft", "e.txt").status_code == 201
    _hold(rita, "document", document)
    orphan = b"left over from a crashed upload"
    storage = blob_storage()
    orphan_key = blob_key(hashlib.sha256(orphan).hexdigest())
    storage.save(orphan_key, ContentFile(orphan))
    call_command("gc_blobs", "--grace-hours", "-1", stdout=io.StringIO())
    assert not storage.exists(orphan_key)
    for version in Version.objects.filter(document_id=document):
        assert storage.exists(blob_key(version.sha256))
