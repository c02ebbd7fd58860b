"""Bad input to the document and folder pages answers a 4xx page with the reason, never a 500."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, DocumentLink, Folder
from tests.web.pages import api_document, named_file, signed_in, text

pytestmark = pytest.mark.rolled_back


@pytest.fixture
def world(users: dict[str, User], alice: APIClient) -> dict[str, int]:
    folder = alice.post("/api/v1/folders/", {"name": "Here"}, format="json").json()["id"]
    return {"document": api_document(alice, b"bad input target", "t.txt"), "folder": folder}


CASES: list[tuple[str, dict[str, Any], int, str]] = [
    ("/documents/upload/", {"title": "No file"}, 400, "No file was submitted"),
    ("/documents/upload/", {"file": "x", "title": "a\x00b"}, 400, "file"),
    ("/documents/upload/", {"folder": "first"}, 400, "Folder"),
    ("/documents/{document}/versions/", {"comment": "no file"}, 400, "No file was submitted"),
    (
        "/documents/{document}/links/",
        {"target_type": "document", "target_id": "abc"},
        400,
        "valid integer",
    ),
    ("/documents/{document}/links/", {"target_type": "planet", "target_id": "1"}, 400, "planet"),
    (
        "/documents/{document}/links/",
        {"target_type": "document", "target_id": "{document}"},
        400,
        "itself",
    ),
    (
        "/documents/{document}/permissions/",
        {"entry-count": "x", "new-principal": "user:bob", "new-permissions": ["fly"]},
        400,
        "fly",
    ),
    (
        "/documents/{document}/permissions/",
        {"new-principal": "bob", "new-permissions": ["view"]},
        400,
        "Principal",
    ),
    ("/folders/create/", {"name": ""}, 400, "Name"),
    ("/folders/create/", {"name": "x\x00"}, 400, "Name"),
    ("/folders/{folder}/move/", {"parent": "up"}, 400, "Parent"),
    ("/folders/{folder}/rename/", {"name": "y" * 300}, 400, "Name"),
]


@pytest.mark.parametrize(("path", "fields", "status", "reason"), CASES)
def test_bad_input_is_refused_on_the_page(
    users: dict[str, User],
    world: dict[str, int],
    path: str,
    fields: dict[str, Any],
    status: int,
    reason: str,
) -> None:
    filled = {
        key: value.format(**world) if isinstance(value, str) else value
        for key, value in fields.items()
    }
    response = signed_in(users["alice"]).post(path.format(**world), filled)

    assert response.status_code == status, text(response)[:500]
    assert reason in text(response)
    assert Document.objects.count() == 1
    assert not DocumentLink.objects.exists()
    assert Folder.objects.count() == 1
    assert not AuditEvent.objects.filter(action="document.acl_change").exists()
    assert Folder.objects.filter(name="Here", parent__isnull=True).exists()


def test_a_file_that_is_not_a_file_upload_is_refused(users: dict[str, User]) -> None:
    response = signed_in(users["alice"]).post(
        "/documents/upload/", {"file": named_file(b"", "e.txt")}
    )
    assert response.status_code == 400 and "The file is empty" in text(response)
