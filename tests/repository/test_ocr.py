"""OCR of scans: a picture or an image-only page gets its text by OCR, searchable like any text;
the original stays as uploaded and the searchable PDF is kept beside it; bombs are refused."""

import io
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image
from rest_framework.test import APIClient

from repository import scanning
from repository.models import TextStatus, Version
from repository.ocr import ocrmypdf_program
from tests.conftest import wait_for
from tests.helpers import pdf_of, streamed, text_page_png, text_pdf_page, upload

pytestmark = pytest.mark.skipif(
    ocrmypdf_program() is None, reason="OCRmyPDF is missing: run scripts/services/install.sh"
)


def _text_when_ready(client: APIClient, document_id: int) -> dict:
    def ready() -> dict | None:
        body = client.get(f"/api/v1/documents/{document_id}/text/").json()
        return body if body["status"] != TextStatus.PENDING else None

    return wait_for(ready, timeout=120, interval=0.5)


def test_a_scanned_page_is_read_by_ocr_and_found_by_a_word_of_it(alice: APIClient) -> None:
    """The upload answers at once with the text pending; OCR then reads the picture, search
    finds a word of it, the version says its text came from OCR, the original bytes are
    unchanged and the searchable PDF downloads as the version's rendition."""
    scan = text_page_png("Invoice from Halvorsen Shipping", "Payment due in thirty days.")
    created = upload(alice, scan, "letter.png")
    assert created.status_code == 201, created.content
    document_id = created.json()["id"]

    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.DONE, body
    assert "Halvorsen" in body["text"]
    version = alice.get(f"/api/v1/documents/{document_id}/").json()["current_version"]
    assert version["text_source"] == "ocr"

    def found() -> bool:
        hits = alice.get("/api/v1/search/", {"q": "Halvorsen"}).json()
        return any(hit["document"]["id"] == document_id for hit in hits["results"])

    wait_for(found, timeout=30)
    original = alice.get(f"/api/v1/documents/{document_id}/download/")
    assert streamed(original) == scan
    rendition = alice.get(f"/api/v1/documents/{document_id}/versions/1/rendition/")
    assert rendition.status_code == 200
    assert rendition["Content-Type"] == "application/pdf"
    assert streamed(rendition).startswith(b"%PDF")


def test_a_mixed_pdf_keeps_its_text_page_and_ocr_reads_the_scanned_one(
    alice: APIClient,
) -> None:
    """Page one has a text layer (kept word for word), page two is a picture (read by OCR)."""
    mixed = pdf_of(
        text_pdf_page("Annual report of the Fjordline cooperative"),
        text_page_png("Kestrel harbour tariffs"),
    )
    document_id = upload(alice, mixed, "report.pdf").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.DONE, body
    assert "Annual report of the Fjordline cooperative" in body["text"]
    assert "Kestrel" in body["text"]
    assert Version.objects.get(document_id=document_id).text_source == "ocr"


def test_a_decompression_bomb_is_refused_with_its_reason_recorded(alice: APIClient) -> None:
    """A small PNG claiming more pixels than any page has is never decoded: the version's text
    fails with the reason, once (a property of the file is not tried again)."""
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(buffer, "PNG")
    document_id = upload(alice, buffer.getvalue(), "bomb.png").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.FAILED
    assert "too large" in body["error"] or "pixels" in body["error"]
    assert Version.objects.get(document_id=document_id).ocr_attempts == 1


# The settings below and the command's wait reach OCR in this process only (embedded mode).
@pytest.mark.embedded_only
def test_ocr_past_its_time_limit_is_tried_a_bounded_number_of_times(
    alice: APIClient, settings: Any
) -> None:
    """Each try is stopped at the deadline; after KONTOR_OCR_ATTEMPTS tries the text fails with
    the reason, and `extract_pending` has nothing left to queue."""
    settings.KONTOR_OCR_TIMEOUT_SECONDS = 0.01
    settings.KONTOR_OCR_ATTEMPTS = 2
    document_id = upload(alice, text_page_png("Too slow"), "slow.png").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.FAILED
    assert "OCR failed 2 times" in body["error"]
    assert "longer than" in body["error"]
    assert Version.objects.get(document_id=document_id).ocr_attempts == 2


@pytest.mark.embedded_only
def test_extract_pending_queues_ocr_lost_with_its_process_again(alice: APIClient) -> None:
    """A scan left pending (its thread died with the server) is read when the command runs,
    its earlier tries counted."""
    document_id = upload(alice, text_page_png("Lost letter from Oslo"), "lost.png").json()["id"]
    _text_when_ready(alice, document_id)
    Version.objects.filter(document_id=document_id).update(
        text_status=TextStatus.PENDING, text="", ocr_attempts=1
    )
    call_command("extract_pending", stdout=io.StringIO())
    version = Version.objects.get(document_id=document_id)
    assert version.text_status == TextStatus.DONE
    assert "Oslo" in version.text
    assert version.ocr_attempts == 2


@pytest.mark.embedded_only
def test_an_unforeseen_crash_in_ocr_fails_the_text_with_its_reason_instead_of_leaving_it_pending(
    alice: APIClient, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    """A fake, for a fault no real file is known to cause: the picture reader raises an error
    of no OCR kind. Each try counts, and the text ends failed with the reason."""

    def crash(*_: object) -> str:
        raise RuntimeError("the reader fell over")

    monkeypatch.setattr(scanning, "read_picture", crash)
    settings.KONTOR_OCR_ATTEMPTS = 2
    document_id = upload(alice, text_page_png("Never read"), "crash.png").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.FAILED
    assert "RuntimeError: the reader fell over" in body["error"]
    assert Version.objects.get(document_id=document_id).ocr_attempts == 2
