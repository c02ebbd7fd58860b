"""Page pictures: a thumbnail and page previews for readers of the document only, "not yet"
with Retry-After while the picture is drawn, then the PNG, recorded as a preview."""

import io

import pytest
from PIL import Image
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Rendition, RenditionStatus
from templating.printing import soffice
from tests.conftest import wait_for
from tests.helpers import docx_bytes, pdf_of, streamed, text_page_png, text_pdf_page, upload


def _picture_when_drawn(client: APIClient, url: str) -> bytes:
    return _picture_when_drawn_within(client, url, 60)


def _picture_when_drawn_within(client: APIClient, url: str, seconds: float) -> bytes:
    def drawn() -> bytes | None:
        response = client.get(url)
        if response.status_code == 200:
            return streamed(response)
        assert response.status_code == 404, response.content
        assert response.json()["code"] == "preview_pending"
        assert int(response["Retry-After"]) > 0
        return None

    return wait_for(drawn, timeout=seconds, interval=0.3)


def test_a_pdf_has_a_thumbnail_and_page_previews_for_its_readers(
    alice: APIClient, bob: APIClient
) -> None:
    """The first request answers 404 with Retry-After; the picture follows as a PNG, small for
    the thumbnail, larger for a page; each view is audited; a stranger gets a plain 404."""
    pdf = pdf_of(text_pdf_page("First page of the minutes"), text_page_png("Second page"))
    document_id = upload(alice, pdf, "minutes.pdf").json()["id"]

    first = alice.get(f"/api/v1/documents/{document_id}/thumbnail/")
    assert first.status_code == 404
    assert first["Retry-After"]
    thumbnail = Image.open(
        io.BytesIO(_picture_when_drawn(alice, f"/api/v1/documents/{document_id}/thumbnail/"))
    )
    assert thumbnail.format == "PNG"
    assert max(thumbnail.size) <= 240
    page = Image.open(
        io.BytesIO(_picture_when_drawn(alice, f"/api/v1/documents/{document_id}/preview/?page=2"))
    )
    assert max(page.size) > 240
    assert AuditEvent.objects.filter(
        action="document.preview", object_id=str(document_id), details__page=2
    ).exists()

    for path in ("thumbnail/", "preview/?page=1", "versions/1/rendition/"):
        refused = bob.get(f"/api/v1/documents/{document_id}/{path}")
        assert refused.status_code == 404
        assert "Retry-After" not in refused
    assert not AuditEvent.objects.filter(action="document.preview", actor__username="bob").exists()


def test_a_page_past_the_last_is_not_found_and_a_bad_page_number_is_refused(
    alice: APIClient,
) -> None:
    """Page 3 of a one-page picture is recorded as impossible (404 without Retry-After)."""
    document_id = upload(alice, text_page_png("Only page"), "single.png").json()["id"]
    url = f"/api/v1/documents/{document_id}/preview/?page=3"

    def recorded() -> bool:
        # Asked for again while "not yet" (OCR, then the drawing): the first ask after OCR
        # queues the drawing, which records the page as impossible.
        assert alice.get(url).status_code == 404
        return Rendition.objects.filter(
            version__document_id=document_id, page=3, status=RenditionStatus.FAILED
        ).exists()

    wait_for(recorded, timeout=60)
    final = alice.get(url)
    assert final.status_code == 404
    assert "Retry-After" not in final
    assert alice.get(f"/api/v1/documents/{document_id}/preview/?page=zero").status_code == 400


@pytest.mark.parametrize("filename", ["notes.txt"])
def test_no_picture_is_made_of_a_plain_text_file(alice: APIClient, filename: str) -> None:
    document_id = upload(alice, b"just words", filename).json()["id"]
    response = alice.get(f"/api/v1/documents/{document_id}/thumbnail/")
    assert response.status_code == 404
    assert response.json()["code"] == "no_preview"


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is missing: scripts/services/install.sh")
def test_an_office_file_is_printed_once_and_pictured(alice: APIClient) -> None:
    """A .docx gets its thumbnail through LibreOffice; the printed PDF is kept for its pages."""
    document_id = upload(alice, docx_bytes("Quarterly plan for the Bergen office"), "plan.docx")
    document_id = document_id.json()["id"]
    url = f"/api/v1/documents/{document_id}/thumbnail/"
    assert alice.get(url).status_code == 404
    picture = _picture_when_drawn_within(alice, url, 120)
    assert Image.open(io.BytesIO(picture)).format == "PNG"
    assert Rendition.objects.filter(
        version__document_id=document_id, kind="office_pdf", status=RenditionStatus.DONE
    ).exists()
