"""Bad input gets a clear 4xx (or a safe 201), never a 500, and leaves nothing behind."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from repository.models import Document, Version
from tests.conftest import wait_for
from tests.helpers import upload, zip_bytes

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120


def _nothing_stored() -> bool:
    return not Document.objects.exists() and not Version.objects.exists()


def test_missing_file(alice: APIClient) -> None:
    response = alice.post("/api/v1/documents/", {"title": "no file"}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert _nothing_stored()


def test_empty_file(alice: APIClient) -> None:
    response = upload(alice, b"", "empty.txt")
    assert response.status_code == 400
    assert "empty" in response.json()["detail"]
    assert _nothing_stored()


def test_bad_metadata_json(alice: APIClient) -> None:
    response = upload(alice, b"x", "x.txt", metadata="{not json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("metadata:")
    assert upload(alice, b"x", "x.txt", metadata="[1, 2]").status_code == 400
    assert _nothing_stored()


def test_bad_on_duplicate_value(alice: APIClient) -> None:
    assert upload(alice, b"x", "x.txt", on_duplicate="sometimes").status_code == 400


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32\\evil.txt",
        "/abs/path/x.txt",
        "a\x00b.txt",
        "....",
    ],
)
def test_traversal_filenames_are_reduced_to_a_safe_name(alice: APIClient, name: str) -> None:
    """The stored filename is the last component, never a path."""
    response = upload(alice, b"content", name)
    assert response.status_code == 201
    filename = response.json()["current_version"]["filename"]
    assert "/" not in filename and "\\" not in filename and ".." not in filename
    assert "\x00" not in filename and filename


def test_executable_named_pdf_is_refused(alice: APIClient) -> None:
    response = upload(alice, ELF, "invoice.pdf")
    assert response.status_code == 415
    assert response.json()["code"] == "forbidden_file_type"
    assert _nothing_stored()


def _text_of(client: APIClient, document_id: int) -> dict[str, Any]:
    return wait_for(
        lambda: (lambda body: body if body["status"] != "pending" else None)(
            client.get(f"/api/v1/documents/{document_id}/text/").json()
        )
    )


def test_zip_bomb_docx_is_kept_but_not_extracted(alice: APIClient) -> None:
    """A .docx that inflates to 200 MB is stored, its extraction refused with a reason."""
    bomb = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document>" + b" " * (200 * 1024 * 1024) + b"</w:document>",
        }
    )
    response = upload(alice, bomb, "bomb.docx")
    assert response.status_code == 201
    body = _text_of(alice, response.json()["id"])
    assert body["status"] == "failed"
    assert "bomb" in body["error"].lower()
    assert alice.get("/healthz").status_code == 200


def test_xxe_docx_never_reads_local_files(alice: APIClient) -> None:
    document_xml = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
    )
    xxe = zip_bytes(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "word/document.xml": document_xml,
        }
    )
    response = upload(alice, xxe, "xxe.docx")
    assert response.status_code == 201
    body = _text_of(alice, response.json()["id"])
    assert "root:" not in body["text"]
    assert body["status"] == "failed"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/documents/abc/",
        "/api/v1/documents/abc/download/",
        "/api/v1/documents/1.5/versions/",
        "/api/v1/folders/xyz/",
        "/api/v1/documents/99999999999999999999999/",
    ],
)
def test_non_numeric_ids_answer_404_json(alice: APIClient, path: str) -> None:
    response = alice.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_invalid_token_answers_401(alice: APIClient) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get("/api/v1/documents/")
    assert response.status_code == 401
    assert APIClient().get("/api/v1/documents/").status_code == 401


def test_server_stays_up_after_bad_input(alice: APIClient) -> None:
    upload(alice, ELF, "x.pdf")
    upload(alice, b"", "x.txt")
    assert upload(alice, b"still working", "ok.txt").status_code == 201
