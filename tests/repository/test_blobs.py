"""Content-addressed blobs: verified on read, unreferenced ones collected after a grace period."""

import hashlib
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from rest_framework.test import APIClient

from repository.blobs import BlobIntegrityError, blob_key, blob_storage
from repository.extraction.filetypes import DOCX
from repository.services import uploads as uploads_service
from tests.helpers import streamed, upload, zip_bytes

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_identical_bytes_are_stored_once(alice: APIClient) -> None:
    content = b"shared bytes for two documents"
    upload(alice, content, "a.txt")
    upload(alice, content, "b.txt")
    storage = blob_storage()
    sha256 = hashlib.sha256(content).hexdigest()
    assert storage.exists(blob_key(sha256))
    with storage.open(blob_key(sha256), "rb") as handle:
        assert handle.read() == content


def test_corrupted_blob_fails_verification_on_read(alice: APIClient) -> None:
    """If the stored bytes change behind our back, a download does not complete silently."""
    content = b"original bytes of the contract"
    document_id = upload(alice, content, "c.txt").json()["id"]
    storage = blob_storage()
    key = blob_key(hashlib.sha256(content).hexdigest())
    storage.delete(key)
    storage.save(key, ContentFile(b"tampered bytes of the contract"))
    response = alice.get(f"/api/v1/documents/{document_id}/download/")
    with pytest.raises(BlobIntegrityError):
        streamed(response)


def test_gc_blobs_removes_only_unreferenced_old_blobs(alice: APIClient) -> None:
    kept = b"referenced by a version"
    upload(alice, kept, "k.txt")
    orphan = b"left over from a crashed upload"
    storage = blob_storage()
    orphan_key = blob_key(hashlib.sha256(orphan).hexdigest())
    storage.save(orphan_key, ContentFile(orphan))
    out = io.StringIO()
    call_command("gc_blobs", stdout=out)  # default grace: the fresh orphan stays
    assert storage.exists(orphan_key)
    call_command("gc_blobs", "--grace-hours", "-1", "--dry-run", stdout=out)
    assert storage.exists(orphan_key)
    call_command("gc_blobs", "--grace-hours", "-1", stdout=out)
    assert not storage.exists(orphan_key)
    assert storage.exists(blob_key(hashlib.sha256(kept).hexdigest()))
    assert f"removed {orphan_key}" in out.getvalue()


@pytest.mark.production_only
def test_large_upload_is_streamed_to_the_store_and_leaves_no_staging(
    alice: APIClient, settings
) -> None:  # type: ignore[no-untyped-def]
    """A large upload goes to S3 in parts while it arrives, then to its content address."""
    settings.KONTOR_STAGED_UPLOAD_BYTES = 8 * 1024 * 1024
    content = os.urandom(1024 * 1024) * 40  # 40 MiB: three parts
    response = upload(alice, content, "scan.bin")
    assert response.status_code == 201, response.content
    sha256 = hashlib.sha256(content).hexdigest()
    assert response.json()["current_version"]["sha256"] == sha256
    download = alice.get(f"/api/v1/documents/{response.json()['id']}/download/")
    assert hashlib.sha256(streamed(download)).hexdigest() == sha256
    assert list(blob_storage().iter_blobs("staging/")) == []  # type: ignore[attr-defined]


@pytest.mark.production_only
def test_refused_large_upload_leaves_nothing_in_the_store(alice: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    settings.KONTOR_STAGED_UPLOAD_BYTES = 8 * 1024 * 1024
    program = b"\x7fELF\x02\x01\x01\x00" + os.urandom(20 * 1024 * 1024)
    response = upload(alice, program, "invoice.pdf")
    assert response.status_code == 415
    assert list(blob_storage().iter_blobs("staging/")) == []  # type: ignore[attr-defined]
    assert not blob_storage().exists(blob_key(hashlib.sha256(program).hexdigest()))


@pytest.mark.production_only
def test_large_office_file_is_recognised_from_head_and_tail(alice: APIClient, settings) -> None:  # type: ignore[no-untyped-def]
    """A staged upload keeps only its head and tail on disk: enough to tell a .docx."""
    settings.KONTOR_STAGED_UPLOAD_BYTES = 8 * 1024 * 1024
    content = zip_bytes(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/scan.bin": os.urandom(12 * 1024 * 1024),  # random: stays 12 MiB
        }
    )
    response = upload(alice, content, "report.docx")
    assert response.status_code == 201, response.content
    version = response.json()["current_version"]
    assert version["mime_type"] == DOCX
    assert version["sha256"] == hashlib.sha256(content).hexdigest()


@pytest.mark.production_only
def test_store_failing_during_a_large_upload_answers_503_and_keeps_nothing(
    alice: APIClient, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A fake, because the store cannot be made to fail halfway through one request here:
    the parts are refused after the upload began. Nothing is half-stored, and the doomed
    upload is refused before its type is even detected."""
    settings.KONTOR_STAGED_UPLOAD_BYTES = 8 * 1024 * 1024
    storage = blob_storage()
    original = storage.begin_staged  # type: ignore[attr-defined]

    def failing() -> object:
        staged = original()

        def refuse(**kwargs: object) -> None:
            raise ConnectionError("store went away")

        staged.client = type("Refusing", (), {"upload_part": staticmethod(refuse)})()
        staged.client.abort_multipart_upload = storage.client.abort_multipart_upload  # type: ignore[attr-defined]
        return staged

    monkeypatch.setattr(storage, "begin_staged", failing)
    detected: list[str] = []
    monkeypatch.setattr(uploads_service, "detect_type", lambda path, name: detected.append(name))
    content = os.urandom(20 * 1024 * 1024)
    response = upload(alice, content, "scan.bin")
    assert response.status_code == 503, response.content
    assert detected == []
    assert response.json()["code"] == "storage_unavailable"
    assert alice.get("/api/v1/documents/").json()["count"] == 0
    assert not storage.exists(blob_key(hashlib.sha256(content).hexdigest()))
    assert list(storage.iter_blobs("staging/")) == []  # type: ignore[attr-defined]
