"""Type detection of staged uploads sees a zip's whole central directory.

A staged upload keeps only its head and last 4 MiB on disk. A zip whose central directory is
larger than that has the rest read back from the staged object before detection, so it gets
the verdict it gets when uploaded whole: a Java archive renamed .zip is still refused.
"""

import hashlib
import os

import pytest
from rest_framework.test import APIClient

from repository import uploads
from repository.blobs import blob_key, blob_storage
from repository.extraction.filetypes import DOCX
from tests.helpers import upload, zip_bytes

STAGED = 8 * 1024 * 1024

# 9,000 members with 1,000-character names: a directory of ~9.4 MB, well past the kept tail
# (4 to 5 MiB), yet within the 10,000 entries detection reads.
_LONG_NAMES = [f"{number:05d}-{'n' * 988}.class" for number in range(9_000)]


def _big_directory_zip(members: dict[str, bytes]) -> bytes:
    # Random bytes first: the upload is large enough to be staged whatever the directory.
    content = zip_bytes(
        {"payload.bin": os.urandom(STAGED), **members, **dict.fromkeys(_LONG_NAMES, b"")}
    )
    assert len(content) > STAGED + 9_000 * 1_000 * 2
    return content


def _java_archive() -> bytes:
    return _big_directory_zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0\n"})


@pytest.mark.production_only
def test_staged_java_archive_with_a_large_directory_is_refused_as_when_whole(
    alice: APIClient, settings
) -> None:  # type: ignore[no-untyped-def]
    """The reviewer's case: a .jar renamed data.zip, its directory past the kept tail."""
    content = _java_archive()
    settings.KONTOR_STAGED_UPLOAD_BYTES = len(content) * 2  # received whole
    whole = upload(alice, content, "data.zip")
    settings.KONTOR_STAGED_UPLOAD_BYTES = STAGED
    staged = upload(alice, content, "data.zip")
    assert whole.status_code == 415, whole.content
    assert staged.status_code == 415, staged.content
    assert staged.json() == whole.json()
    assert "Java archive" in staged.json()["detail"]
    assert list(blob_storage().iter_blobs("staging/")) == []  # type: ignore[attr-defined]
    assert not blob_storage().exists(blob_key(hashlib.sha256(content).hexdigest()))


@pytest.mark.production_only
def test_staged_office_file_with_a_large_directory_is_recognised(
    alice: APIClient, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.KONTOR_STAGED_UPLOAD_BYTES = STAGED
    content = _big_directory_zip(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    )
    response = upload(alice, content, "report.docx")
    assert response.status_code == 201, response.content
    version = response.json()["current_version"]
    assert version["mime_type"] == DOCX
    assert version["sha256"] == hashlib.sha256(content).hexdigest()
    assert list(blob_storage().iter_blobs("staging/")) == []  # type: ignore[attr-defined]


@pytest.mark.production_only
def test_staged_zip_whose_directory_is_too_large_to_read_back_is_refused(
    alice: APIClient, settings, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Past the read-back limit (lowered here from 64 MiB) the upload is refused, not
    accepted as a plain zip whose members were never looked at."""
    settings.KONTOR_STAGED_UPLOAD_BYTES = STAGED
    monkeypatch.setattr(uploads, "MAX_READ_BACK", 1024 * 1024)
    content = _java_archive()
    response = upload(alice, content, "data.zip")
    assert response.status_code == 415, response.content
    assert response.json()["code"] == "uninspectable_archive"
    assert alice.get("/api/v1/documents/").json()["count"] == 0
    assert list(blob_storage().iter_blobs("staging/")) == []  # type: ignore[attr-defined]
    assert not blob_storage().exists(blob_key(hashlib.sha256(content).hexdigest()))
