"""The document repository as API clients meet it, in both run modes."""

import hashlib
import itertools
import json
import tempfile
from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.conftest import wait_for
from tests.helpers import docx_bytes, new_version, streamed, upload


def test_upload_returns_the_document_with_its_first_version(alice: APIClient) -> None:
    """An upload answers 201 with the document, owner, tags, metadata and version 1."""
    content = b"Quarterly figures for the board"
    response = upload(
        alice,
        content,
        "figures.txt",
        title="Q3 figures",
        tags="finance,board",
        metadata=json.dumps({"quarter": 3}),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Q3 figures"
    assert body["owner"] == "alice"
    assert sorted(body["tags"]) == ["board", "finance"]
    assert body["metadata"] == {"quarter": 3}
    assert body["status"] == "draft"
    version = body["current_version"]
    assert version["number"] == 1
    assert version["size"] == len(content)
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    assert version["mime_type"] == "text/plain"
    assert body["duplicates"] == []


def test_detail_and_list_show_only_own_documents(alice: APIClient, bob: APIClient) -> None:
    """A stranger's document answers 404 and is absent from the list and its count."""
    document_id = upload(alice, b"alice private", "a.txt").json()["id"]
    upload(bob, b"bob private", "b.txt")
    assert alice.get(f"/api/v1/documents/{document_id}/").status_code == 200
    assert bob.get(f"/api/v1/documents/{document_id}/").status_code == 404
    listing = bob.get("/api/v1/documents/").json()
    assert listing["count"] == 1
    assert all(item["id"] != document_id for item in listing["results"])


def test_list_filters_and_pagination(alice: APIClient, admin: APIClient) -> None:
    """Filters narrow the list; page_size pages it; a huge page_size is capped, not an error."""
    admin.post("/api/v1/document-types/", {"slug": "invoice", "name": "Invoice"}, format="json")
    for index in range(3):
        upload(
            alice,
            f"invoice {index}".encode(),
            f"i{index}.txt",
            document_type="invoice",
            tags="money",
        )
    upload(alice, b"a memo", "memo.txt", tags="internal")
    assert alice.get("/api/v1/documents/?document_type=invoice").json()["count"] == 3
    assert alice.get("/api/v1/documents/?tag=internal").json()["count"] == 1
    assert alice.get("/api/v1/documents/?owner=bob").json()["count"] == 0
    page = alice.get("/api/v1/documents/?page_size=2").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert alice.get("/api/v1/documents/?page_size=100000").status_code == 200
    assert alice.get("/api/v1/documents/?created_after=not-a-date").status_code == 400
    assert alice.get("/api/v1/documents/?folder=abc").status_code == 400
    assert alice.get("/api/v1/documents/?status=bogus").status_code == 400


def test_unknown_document_type_is_rejected(alice: APIClient) -> None:
    """An upload naming an unknown type slug answers 400 and stores no document."""
    response = upload(alice, b"x", "x.txt", document_type="nope")
    assert response.status_code == 400
    assert alice.get("/api/v1/documents/").json()["count"] == 0


def test_metadata_is_checked_against_the_type_schema(alice: APIClient, admin: APIClient) -> None:
    """A document type's JSON schema is enforced on upload and on PATCH."""
    schema = {
        "type": "object",
        "required": ["amount"],
        "properties": {"amount": {"type": "number"}},
    }
    created = admin.post(
        "/api/v1/document-types/",
        {"slug": "contract", "name": "Contract", "metadata_schema": schema},
        format="json",
    )
    assert created.status_code == 201
    bad = upload(alice, b"c", "c.txt", document_type="contract", metadata='{"amount": "lots"}')
    assert bad.status_code == 400
    good = upload(alice, b"c", "c.txt", document_type="contract", metadata='{"amount": 5}')
    assert good.status_code == 201
    patched = alice.patch(
        f"/api/v1/documents/{good.json()['id']}/", {"metadata": {"amount": "x"}}, format="json"
    )
    assert patched.status_code == 400


def test_only_administrators_define_document_types(alice: APIClient) -> None:
    response = alice.post(
        "/api/v1/document-types/", {"slug": "memo", "name": "Memo"}, format="json"
    )
    assert response.status_code == 403


def test_patch_edits_fields_and_is_audited(alice: APIClient) -> None:
    document_id = upload(alice, b"draft text", "d.txt").json()["id"]
    response = alice.patch(
        f"/api/v1/documents/{document_id}/",
        {"title": "Renamed", "tags": ["a", "b"], "metadata": {"k": "v"}},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["title"] == "Renamed"
    assert sorted(response.json()["tags"]) == ["a", "b"]
    event = AuditEvent.objects.filter(action="document.update").last()
    assert event is not None and event.details["changed"]["title"] == "Renamed"


def test_versions_are_numbered_and_downloadable(alice: APIClient) -> None:
    """Each new version gets the next number; any version downloads with its own bytes."""
    document_id = upload(alice, b"version one", "v.txt").json()["id"]
    second = new_version(alice, document_id, b"version two", "v.txt", comment="fixed typo")
    assert second.status_code == 201
    assert second.json()["number"] == 2
    versions = alice.get(f"/api/v1/documents/{document_id}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[1]["comment"] == "fixed typo"
    current = alice.get(f"/api/v1/documents/{document_id}/download/")
    assert streamed(current) == b"version two"
    first = alice.get(f"/api/v1/documents/{document_id}/download/?version=1")
    assert streamed(first) == b"version one"
    assert alice.get(f"/api/v1/documents/{document_id}/download/?version=9").status_code == 404
    assert alice.get(f"/api/v1/documents/{document_id}/download/?version=x").status_code == 400


def test_download_type_comes_from_content_and_name_is_encoded(alice: APIClient) -> None:
    """A .docx named .txt is served as .docx; a non-ASCII name is RFC 5987 encoded."""
    content = docx_bytes("Hello")
    document_id = upload(alice, content, 'Отчёт "final".txt').json()["id"]
    response = alice.get(f"/api/v1/documents/{document_id}/download/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    assert "\n" not in disposition and '"final"' not in disposition
    assert streamed(response) == content
    assert response["X-Content-Type-Options"] == "nosniff"


def test_lock_blocks_other_writers(alice: APIClient, client_for, users) -> None:  # type: ignore[no-untyped-def]
    """While alice holds the lock, an administrator's version upload answers 409."""
    admin = client_for("admin")
    document_id = upload(alice, b"locked doc", "l.txt").json()["id"]
    locked = alice.post(f"/api/v1/documents/{document_id}/lock/")
    assert locked.status_code == 200 and locked.json()["locked_by"] == "alice"
    conflict = new_version(admin, document_id, b"other edit", "l.txt")
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "locked"
    assert (
        admin.patch(f"/api/v1/documents/{document_id}/", {"title": "x"}, format="json").status_code
        == 409
    )
    assert new_version(alice, document_id, b"own edit", "l.txt").status_code == 201
    assert alice.delete(f"/api/v1/documents/{document_id}/lock/").json()["locked_by"] is None
    assert new_version(admin, document_id, b"now fine", "l.txt").status_code == 201


def test_soft_delete_hides_the_document(alice: APIClient) -> None:
    document_id = upload(alice, b"to trash", "t.txt").json()["id"]
    assert alice.delete(f"/api/v1/documents/{document_id}/").status_code == 204
    assert alice.get(f"/api/v1/documents/{document_id}/").status_code == 404
    assert alice.get("/api/v1/documents/").json()["count"] == 0
    assert AuditEvent.objects.filter(action="document.delete", object_id=str(document_id)).exists()


def test_extracted_text_of_a_docx(alice: APIClient) -> None:
    """A .docx's text is extracted in the background and served by /text/."""
    document_id = upload(alice, docx_bytes("The zebracorn clause applies."), "c.docx").json()["id"]

    def extracted() -> dict | None:  # type: ignore[type-arg]
        body = alice.get(f"/api/v1/documents/{document_id}/text/").json()
        return body if body["status"] != "pending" else None

    body = wait_for(extracted)
    assert body["status"] == "done"
    assert "zebracorn" in body["text"]


def test_small_office_files_have_their_text_when_the_upload_answers(
    alice: APIClient, settings: Any
) -> None:
    """Small non-PDF files are read during the upload: no waiting for the worker."""
    settings.KONTOR_INLINE_TEXT_BYTES = 64 * 1024
    docx_id = upload(alice, docx_bytes("The quokka clause."), "q.docx").json()["id"]
    text_id = upload(alice, b"A plain wombat note.", "w.txt").json()["id"]
    for document_id, word in ((docx_id, "quokka"), (text_id, "wombat")):
        body = alice.get(f"/api/v1/documents/{document_id}/text/").json()
        assert body["status"] == "done" and word in body["text"]
    version = new_version(alice, text_id, b"A plain numbat note.", "w.txt")
    assert version.status_code == 201, version.content
    assert "numbat" in alice.get(f"/api/v1/documents/{text_id}/text/").json()["text"]


def test_larger_files_and_pdfs_are_left_to_the_worker(settings: Any) -> None:
    """The inline rule: PDFs and files over the limit go to the background job."""
    from repository.extraction import filetypes
    from repository.tasks import inline_text

    settings.KONTOR_INLINE_TEXT_BYTES = 1000
    assert inline_text("/nonexistent", filetypes.PDF, 10) is None
    assert inline_text("/nonexistent", filetypes.TEXT_PLAIN, 1001) is None
    with tempfile.NamedTemporaryFile(suffix=".txt") as small:
        small.write(b"short text")
        small.flush()
        outcome = inline_text(small.name, filetypes.TEXT_PLAIN, 10)
    assert outcome == {
        "text": "short text",
        "text_status": "done",
        "text_error": "",
        "text_source": "text",
    }


def test_unextractable_file_is_kept_and_flagged(alice: APIClient) -> None:
    """A PNG has no text: it is stored, and /text/ says why there is none."""
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    response = upload(alice, png, "picture.png")
    assert response.status_code == 201
    document_id = response.json()["id"]
    body = wait_for(
        lambda: (lambda b: b if b["status"] != "pending" else None)(
            alice.get(f"/api/v1/documents/{document_id}/text/").json()
        )
    )
    assert body["status"] == "failed"
    assert body["error"]
    download = alice.get(f"/api/v1/documents/{document_id}/download/")
    assert streamed(download) == png


@pytest.mark.parametrize("mode", ["warn", "reject", "allow"])
def test_exact_duplicates(alice: APIClient, mode: str) -> None:
    """Identical bytes are reported (warn), refused with 409 (reject) or let through (allow)."""
    first = upload(alice, b"same bytes", "one.txt").json()["id"]
    response = upload(alice, b"same bytes", "two.txt", on_duplicate=mode)
    if mode == "reject":
        assert response.status_code == 409
        assert response.json() == {
            "detail": "An identical document already exists.",
            "code": "duplicate",
            "duplicate_of": first,
        }
        assert alice.get("/api/v1/documents/").json()["count"] == 1
        return
    assert response.status_code == 201
    expected = [{"document": first, "kind": "exact", "similarity": 1.0}] if mode == "warn" else []
    assert response.json()["duplicates"] == expected
    second = response.json()["id"]
    listed = alice.get(f"/api/v1/documents/{second}/duplicates/").json()
    assert listed == [{"document": first, "kind": "exact", "similarity": 1.0}]


def test_duplicates_never_reveal_invisible_documents(alice: APIClient, bob: APIClient) -> None:
    """bob's identical upload neither sees alice's copy nor is refused because of it."""
    upload(alice, b"secret contract", "s.txt")
    response = upload(bob, b"secret contract", "s.txt", on_duplicate="reject")
    assert response.status_code == 201
    assert response.json()["duplicates"] == []


def test_links_between_documents(alice: APIClient, bob: APIClient) -> None:
    """Links are listed, removable, and never point at documents the caller cannot see."""
    source = upload(alice, b"main contract", "m.txt").json()["id"]
    annex = upload(alice, b"annex one", "a.txt").json()["id"]
    hidden = upload(bob, b"bob's doc", "b.txt").json()["id"]
    created = alice.post(
        f"/api/v1/documents/{source}/links/",
        {"target_type": "document", "target_id": annex, "relation": "attachment"},
        format="json",
    )
    assert created.status_code == 201, created.content
    refused = alice.post(
        f"/api/v1/documents/{source}/links/",
        {"target_type": "document", "target_id": hidden, "relation": "related"},
        format="json",
    )
    missing = alice.post(
        f"/api/v1/documents/{source}/links/",
        {"target_type": "document", "target_id": 999999, "relation": "related"},
        format="json",
    )
    assert refused.status_code == missing.status_code == 400
    assert refused.json()["detail"].replace(str(hidden), "N") == missing.json()["detail"].replace(
        "999999", "N"
    )
    links = alice.get(f"/api/v1/documents/{source}/links/").json()
    assert [(link["target_id"], link["relation"]) for link in links] == [(annex, "attachment")]
    assert alice.get(f"/api/v1/documents/?linked_to=document:{annex}").json()["count"] == 1
    link_id = links[0]["id"]
    assert alice.delete(f"/api/v1/documents/{source}/links/{link_id}/").status_code == 204
    assert alice.get(f"/api/v1/documents/{source}/links/").json() == []


def test_every_change_is_audited_in_one_chain(alice: APIClient) -> None:
    """create, view, download, version each leave an event whose prev_hash is the last hash."""
    document_id = upload(alice, b"audited", "a.txt").json()["id"]
    alice.get(f"/api/v1/documents/{document_id}/")
    streamed(alice.get(f"/api/v1/documents/{document_id}/download/"))
    new_version(alice, document_id, b"audited 2", "a.txt")
    events = list(AuditEvent.objects.filter(object_id=str(document_id)).order_by("seq"))
    assert [event.action for event in events] == [
        "document.create",
        "document.view",
        "document.download",
        "document.version",
    ]
    assert all(event.actor_username == "alice" and event.ip == "127.0.0.1" for event in events)
    chain = list(AuditEvent.objects.order_by("seq"))
    for previous, event in itertools.pairwise(chain):
        assert event.prev_hash == previous.hash
        assert event.seq == previous.seq + 1
