"""Type detection of staged uploads sees what it sees in the file uploaded whole.

A staged upload keeps only its head and last 4 MiB on disk. What detection reads in between
(a zip's central directory larger than the tail, a zip inside it, a PE header far in) is read
back from the staged object first, so the upload gets the verdict it gets when uploaded
whole: a Java archive renamed .zip is still refused.
"""

import hashlib
import os
from typing import Any

import pytest
from rest_framework.test import APIClient

from repository import uploads
from repository.blobs import blob_key, blob_storage
from repository.extraction.filetypes import DOCX
from repository.models import Document, Version
from tests.helpers import new_version, upload, zip_bytes

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

STAGED = 8 * 1024 * 1024


# 9,000 members with 1,000-character names: a directory of ~9.4 MB, well past the kept tail
# (4 to 5 MiB), yet well within what detection reads (100,000 entries, 64 MiB).
_LONG_NAMES = [f"{number:05d}-{'n' * 988}.txt" for number in range(9_000)]


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


def _refused_whole_and_staged(
    client: APIClient, settings: Any, content: bytes, filename: str
) -> None:
    """Refused alike received whole and staged, as a new document and as a new version,
    leaving nothing stored or staged."""
    existing = upload(client, b"first version", "plain.txt").json()["id"]
    answers = []
    for threshold in (len(content) * 2, STAGED):
        settings.KONTOR_STAGED_UPLOAD_BYTES = threshold
        for response in (
            upload(client, content, filename),
            new_version(client, existing, content, filename),
        ):
            assert response.status_code == 415, response.content
            answers.append(response.json())
    assert all(answer == answers[0] for answer in answers), answers
    assert answers[0]["code"] == "forbidden_file_type"
    assert (Document.objects.count(), Version.objects.count()) == (1, 1)
    assert list(blob_storage().iter_blobs("staging/")) == []  # type: ignore[attr-defined]
    assert not blob_storage().exists(blob_key(hashlib.sha256(content).hexdigest()))


@pytest.mark.production_only
def test_staged_java_archive_behind_a_prefix_is_refused(alice: APIClient, settings: Any) -> None:
    """A jar behind a PDF header, its directory past the kept tail: found from the end."""
    _refused_whole_and_staged(alice, settings, b"%PDF-1.7\n%junk\n" + _java_archive(), "a.pdf")


@pytest.mark.production_only
def test_staged_pe_header_far_into_the_file_is_refused(alice: APIClient, settings: Any) -> None:
    """A text-looking head whose e_lfanew points 16 MiB in, past the kept head."""
    pointer = 0x01010101
    content = bytearray(b"MZ" + b"\x90" * 58 + pointer.to_bytes(4, "little"))
    content = content.ljust(pointer + 8 * 1024 * 1024, b" ")
    content[pointer : pointer + 4] = b"PE\x00\x00"
    _refused_whole_and_staged(alice, settings, bytes(content), "notes.txt")


@pytest.mark.production_only
def test_staged_zip_holding_a_zip_with_a_program_is_refused(
    alice: APIClient, settings: Any
) -> None:
    """The inner zip lies in the middle of the upload, only in the store until read back."""
    inner = zip_bytes({"scan.bin": os.urandom(1024 * 1024), "tools/run.exe": b"MZ"})
    content = zip_bytes(
        {
            "payload-1.bin": os.urandom(STAGED),
            "old/2019.zip": inner,
            "payload-2.bin": os.urandom(6 * 1024 * 1024),
        }
    )
    _refused_whole_and_staged(alice, settings, content, "backup.zip")
