"""Content-addressed blobs: verified on read, unreferenced ones collected after a grace period."""

import hashlib
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from rest_framework.test import APIClient

from repository.blobs import BlobIntegrityError, blob_key, blob_storage
from tests.helpers import streamed, upload


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
