"""Pictures read by OCR as a scanner leaves them: turned a few degrees, lying on their side,
several pages in one TIFF. The text is read all the same and the searchable PDF shows the
pages upright."""

import io

import pytest
from PIL import Image, ImageDraw, ImageFont
from pypdf import PdfReader
from rest_framework.test import APIClient

from repository.models import TextStatus
from repository.ocr import ocrmypdf_program
from repository.tesseract import straightening_angle, tesseract_program
from tests.conftest import wait_for
from tests.helpers import DEJAVU_SANS, streamed, upload

pytestmark = pytest.mark.skipif(
    ocrmypdf_program() is None or tesseract_program() is None,
    reason="OCR is missing: run scripts/services/install.sh",
)

LETTER = [
    "Dear Ms Lindqvist, thank you for your letter of 4 May.",
    "We confirm the delivery of twelve filing cabinets to",
    "your office in Uppsala before the end of the month.",
    "The invoice number is 2026-0512 and payment is due",
    "within thirty days. Kind regards, Petra Albrecht",
]


def _page(lines: list[str], turn: float = 0.0) -> Image.Image:
    page = Image.new("L", (1700, 1200), 255)
    font = ImageFont.truetype(DEJAVU_SANS, 40)
    drawing = ImageDraw.Draw(page)
    for row, line in enumerate(lines * 2):
        drawing.text((90, 90 + row * 96), line, font=font, fill=0)
    if turn:
        page = page.rotate(turn, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return page


def _png(page: Image.Image) -> bytes:
    buffer = io.BytesIO()
    page.save(buffer, "PNG", dpi=(300, 300))
    return buffer.getvalue()


def _text_when_ready(client: APIClient, document_id: int) -> dict:
    def ready() -> dict | None:
        body = client.get(f"/api/v1/documents/{document_id}/text/").json()
        return body if body["status"] != TextStatus.PENDING else None

    return wait_for(ready, timeout=120, interval=0.5)


def _searchable_pdf(client: APIClient, document_id: int) -> PdfReader:
    rendition = client.get(f"/api/v1/documents/{document_id}/versions/1/rendition/")
    assert rendition.status_code == 200
    return PdfReader(io.BytesIO(streamed(rendition)))


@pytest.mark.parametrize("turn", [3.0, -2.5])
def test_the_skew_of_a_page_turned_a_few_degrees_is_found(turn: float) -> None:
    assert straightening_angle(_page(LETTER, turn)) == pytest.approx(-turn, abs=0.3)


def test_a_level_page_is_left_level() -> None:
    assert abs(straightening_angle(_page(LETTER))) < 0.2


def test_a_page_lying_on_its_side_is_read_and_its_searchable_pdf_shows_it_upright(
    alice: APIClient,
) -> None:
    """Scanned sideways and a little askew: the text is read in order, and the PDF page is
    turned so that a reader sees it upright."""
    document_id = upload(alice, _png(_page(LETTER, 90 + 2)), "sideways.png").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.DONE, body
    assert "Lindqvist" in body["text"]
    assert "filing cabinets" in body["text"]
    assert _searchable_pdf(alice, document_id).pages[0].rotation == 90

    def thumbnail() -> bytes | None:
        response = alice.get(f"/api/v1/documents/{document_id}/thumbnail/")
        return streamed(response) if response.status_code == 200 else None

    # The picture uploaded stands taller than wide; its page, upright, lies wider than tall.
    with Image.open(io.BytesIO(wait_for(thumbnail, timeout=60))) as picture:
        assert picture.width > picture.height


def test_a_level_page_keeps_its_searchable_pdf_page_unturned(alice: APIClient) -> None:
    document_id = upload(alice, _png(_page(LETTER)), "level.png").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert "Uppsala" in body["text"]
    assert _searchable_pdf(alice, document_id).pages[0].rotation == 0


def test_each_page_of_a_multi_page_tiff_is_read(alice: APIClient) -> None:
    """Two pages in one TIFF, the second upside down: both read, the PDF has both pages."""
    first = _page([*LETTER[:2], "Page one mentions the Gotland ferry."])
    second = _page(["Page two mentions the Bornholm harbour.", *LETTER[2:]], 180)
    buffer = io.BytesIO()
    first.save(buffer, "TIFF", save_all=True, append_images=[second], dpi=(300, 300))
    document_id = upload(alice, buffer.getvalue(), "two pages.tiff").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.DONE, body
    assert "Gotland" in body["text"]
    assert "Bornholm" in body["text"]
    pages = _searchable_pdf(alice, document_id).pages
    assert [page.rotation for page in pages] == [0, 180]


def test_a_scanners_pdf_is_read_page_by_page_and_its_searchable_pdf_keeps_the_page_sizes(
    alice: APIClient,
) -> None:
    """A PDF made only of pictures (as a scanner makes it), the second page upside down and
    askew: both pages read, the searchable PDF has both at their original size, upright."""
    first = _page([*LETTER[:2], "Page one mentions the Oresund bridge."])
    second = _page(["Page two mentions the Kalmar castle.", *LETTER[2:]], 180 + 3)
    buffer = io.BytesIO()
    first.save(buffer, "PDF", resolution=300, save_all=True, append_images=[second])
    scan = buffer.getvalue()
    sizes = [(round(page.mediabox.width), round(page.mediabox.height)) for page in _pages(scan)]
    document_id = upload(alice, scan, "scanned.pdf").json()["id"]
    body = _text_when_ready(alice, document_id)
    assert body["status"] == TextStatus.DONE, body
    assert "Oresund" in body["text"]
    assert "Kalmar" in body["text"]
    searchable = _searchable_pdf(alice, document_id).pages
    assert [page.rotation for page in searchable] == [0, 180]
    assert [
        (round(page.mediabox.width), round(page.mediabox.height)) for page in searchable
    ] == sizes
    assert streamed(alice.get(f"/api/v1/documents/{document_id}/download/")) == scan


def _pages(pdf: bytes) -> list:
    return list(PdfReader(io.BytesIO(pdf)).pages)
