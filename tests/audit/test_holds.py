"""Legal holds: placed and lifted by records managers; held documents cannot be deleted."""

from collections.abc import Callable

from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.permissions.acl_helpers import make_document, make_folder


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
