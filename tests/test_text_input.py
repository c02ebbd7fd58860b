"""Text no database can hold (NUL, unpaired surrogates) is refused with 400 wherever user text
enters, before anything is stored; text read from files has it replaced instead."""

import json
from typing import Any

import pytest
from rest_framework.test import APIClient

from repository.blobs import BLOB_PREFIX, blob_storage
from repository.models import Document, Folder, IndexOutbox, Version
from tests.conftest import wait_for
from tests.helpers import upload
from tests.search.test_search_api import found


def _stored() -> tuple[int, int, int]:
    storage: Any = blob_storage()
    blobs = len(list(storage.iter_blobs(BLOB_PREFIX)))
    return Document.objects.count(), Version.objects.count(), blobs


def _refused(response: Any, field: str, code: str = "invalid_text") -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == code
    assert body["field"] == field
    assert field in body["detail"]


def _send(client: APIClient, method: str, path: str, body: Any) -> Any:
    """A JSON body as clients send it: json.dumps writes an unpaired surrogate as `\\ud800`."""
    return client.generic(method, path, json.dumps(body), content_type="application/json")


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ('{"k": "\\ud800"}', "metadata.k"),
        ('{"\\udfff": 1}', "metadata.\ufffd"),
        ('{"k": ["fine", {"n": "a\\u0000b"}]}', "metadata.k.1.n"),
    ],
)
def test_upload_with_invalid_metadata_is_refused_and_stores_nothing(
    alice: APIClient, bob: APIClient, metadata: str, field: str
) -> None:
    """The issue's case: a lone surrogate sent as a JSON escape used to answer 500 after the
    document committed, and the document list answered 500 for everyone from then on."""
    before = _stored()
    _refused(upload(alice, b"poisoned metadata", "p.txt", metadata=metadata), field)
    assert _stored() == before
    assert not IndexOutbox.objects.exists()
    for client in (alice, bob):
        assert client.get("/api/v1/documents/").status_code == 200


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"title": "a\x00b"}, "title"),
        ({"tags": "legal,b\x00d"}, "tags"),
        ({"on_duplicate": "\x00"}, "on_duplicate"),
    ],
)
def test_multipart_fields_with_nul_are_refused(
    alice: APIClient, fields: dict[str, str], field: str
) -> None:
    before = _stored()
    _refused(upload(alice, b"a form field with NUL", "n.txt", **fields), field)
    assert _stored() == before


@pytest.fixture
def document(alice: APIClient) -> dict[str, Any]:
    response = upload(alice, b"an ordinary document", "ok.txt", metadata='{"k": "v"}')
    assert response.status_code == 201
    return dict(response.json())


def test_document_edits_with_invalid_text_change_nothing(
    alice: APIClient, document: dict[str, Any]
) -> None:
    path = f"/api/v1/documents/{document['id']}/"
    _refused(_send(alice, "PATCH", path, {"metadata": {"k": "\ud800"}}), "metadata.k")
    _refused(_send(alice, "PATCH", path, {"metadata": {"a": {"b\x00": 1}}}), "metadata.a.b\ufffd")
    _refused(_send(alice, "PATCH", path, {"title": "x\udc00"}), "title")
    _refused(_send(alice, "PATCH", path, {"tags": ["ok", "\ud83d"]}), "tags.1")
    after = alice.get(path).json()
    assert (after["title"], after["metadata"], after["tags"]) == ("ok.txt", {"k": "v"}, [])


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/api/v1/folders/", {"name": "a\ud800"}, "name"),
        ("POST", "/api/v1/folders/", "\ud800", "body"),
        ("POST", "/api/v1/folders/", [{"name": "\x00"}], "0.name"),
        (
            "POST",
            "/api/v1/document-types/",
            {"slug": "t", "name": "T", "metadata_schema": {"properties": {"\ud800": {}}}},
            "metadata_schema.properties.\ufffd",
        ),
        ("POST", "/api/v1/document-types/", {"slug": "t\x00", "name": "T"}, "slug"),
        ("POST", "/api/v1/groups/", {"name": "g\ud800", "members": []}, "name"),
        ("PATCH", "/api/v1/groups/sales/", {"members": ["alice\x00"]}, "members.0"),
        ("POST", "/api/v1/users/", {"username": "u\udfff", "password": "long-pass-1"}, "username"),
        ("PATCH", "/api/v1/users/alice/", {"email": "a\x00@example.com"}, "email"),
        ("POST", "/api/v1/auth/token/", {"username": "alice", "password": "\ud800"}, "password"),
        (
            "POST",
            "/api/v1/holds/",
            {"object_type": "folder", "object_id": 1, "reason": "\ud800"},
            "reason",
        ),
        (
            "POST",
            "/api/v1/documents/{id}/links/",
            {"target_type": "document", "target_id": 1, "relation": "r\x00"},
            "relation",
        ),
        (
            "PUT",
            "/api/v1/documents/{id}/acl/",
            {
                "inherit": True,
                "entries": [
                    {"principal": "user:\ud800", "permissions": ["view"], "effect": "allow"}
                ],
            },
            "entries.0.principal",
        ),
    ],
)
def test_json_bodies_with_invalid_text_are_refused_on_every_endpoint(
    admin: APIClient,
    document: dict[str, Any],
    method: str,
    path: str,
    body: Any,
    field: str,
) -> None:
    """One check at the parser: any JSON body, on any endpoint, new ones included."""
    folders = Folder.objects.count()
    _refused(_send(admin, method, path.format(id=document["id"]), body), field)
    assert Folder.objects.count() == folders


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/documents/?tag=%00", "tag"),
        ("/api/v1/documents/?owner=al%00ice", "owner"),
        ("/api/v1/search/?q=contract%00", "q"),
        ("/api/v1/audit/events/?actor=%00", "actor"),
        ("/api/v1/users/al%00ice/", "path"),
        ("/api/v1/groups/%00/", "path"),
    ],
)
def test_query_parameters_and_paths_with_nul_are_refused(
    admin: APIClient, path: str, field: str
) -> None:
    """PostgreSQL cannot even compare with a NUL: these answered 500 there."""
    _refused(admin.get(path), field)


def test_json_nested_too_deeply_is_refused(alice: APIClient, document: dict[str, Any]) -> None:
    """A value nested beyond what Python decodes and encodes would break every later read."""
    path = f"/api/v1/documents/{document['id']}/"
    deep: Any = "leaf"
    for _ in range(80):
        deep = [deep]
    too_deep = _send(alice, "PATCH", path, {"metadata": {"k": deep}})
    _refused(too_deep, "metadata.k" + ".0" * 62, "too_deep")
    response = alice.generic(
        "PATCH", path, '{"metadata": ' + "[" * 100_000 + "]" * 100_000 + "}", "application/json"
    )
    assert response.status_code == 400
    before = _stored()
    nested = '{"k": ' + "[" * 5000 + "]" * 5000 + "}"
    assert upload(alice, b"deep metadata", "d.txt", metadata=nested).status_code == 400
    assert _stored() == before
    assert alice.get(path).json()["metadata"] == {"k": "v"}


def test_text_read_from_a_file_has_nul_and_lone_surrogates_replaced(alice: APIClient) -> None:
    """Extracted text is data, not input: it is cleaned rather than refused, so it can be
    stored on PostgreSQL and indexed."""
    # UTF-16 with a BOM; the unpaired surrogate (0xD800) lies past the part read to detect
    # the type, so the file is taken for text and the decoder meets it.
    head = "\ufeffwombat\x00 report " + "lorem ipsum " * 800
    content = head.encode("utf-16-le") + b"\x00\xd8" + " tail".encode("utf-16-le")
    response = upload(alice, content, "utf16.txt")
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]
    body = wait_for(
        lambda: (lambda text: text if text["status"] != "pending" else None)(
            alice.get(f"/api/v1/documents/{document_id}/text/").json()
        )
    )
    assert body["status"] == "done"
    assert "\x00" not in body["text"] and "\ufffd tail" in body["text"]
    body["text"].encode("utf-8")  # no unpaired surrogate left
    found(alice, "wombat")
