"""OCR of scans: a picture or an image-only page gets its text by OCR, searchable like any text;
the original stays as uploaded and the searchable PDF is kept beside it; bombs are refused."""

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

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
