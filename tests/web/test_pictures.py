"""Pictures of pages on the pages: a thumbnail column in the document list, the Pages section
on the document page with the searchable PDF of a scan; readers only, audited like the API."""

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import TextStatus, Version
from tests.conftest import wait_for
from tests.helpers import pdf_of, streamed, text_page_png, text_pdf_page
from tests.web.pages import api_document, signed_in, text


def test_the_list_shows_a_thumbnail_with_alt_text_drawn_after_a_retry(
    users: dict[str, User], alice: APIClient
) -> None:
    """A PDF has a thumbnail in the list (an image described by the title); a text file none."""
    pdf = pdf_of(text_pdf_page("Minutes of the board meeting"))
    document = api_document(alice, pdf, "minutes.pdf", title="Board minutes")
    api_document(alice, b"plain words", "words.txt", title="Plain words")
    browser = signed_in(users["alice"])

    page = text(browser.get("/documents/"))
    assert ">Thumbnail</th>" in page
    assert f'src="/documents/{document}/thumbnail/" alt="First page of Board minutes"' in page
    assert page.count("data-retry-picture") == 1

    def drawn() -> bytes | None:
        response = browser.get(f"/documents/{document}/thumbnail/")
        if response.status_code == 404:
            assert response["Retry-After"]
            return None
        return streamed(response)

    assert wait_for(drawn, timeout=60).startswith(b"\x89PNG")
    assert AuditEvent.objects.filter(action="document.preview", object_id=str(document)).exists()
    stranger = signed_in(users["bob"])
    for path in ("thumbnail/", "preview/?page=1", "versions/1/searchable/"):
        assert stranger.get(f"/documents/{document}/{path}").status_code == 404


def test_the_page_of_a_scan_says_its_text_came_from_ocr_and_offers_the_searchable_pdf(
    users: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, text_page_png("Letter from Tromso council"), "letter.png")
    wait_for(
        lambda: Version.objects.filter(document_id=document, text_status=TextStatus.DONE).exists(),
        timeout=120,
        interval=0.5,
    )
    browser = signed_in(users["alice"])

    page = text(browser.get(f"/documents/{document}/?page=1"))
    assert '">Pages</h2>' in page
    assert "read from its scanned pages by OCR" in page
    assert 'alt="Page 1 of letter.png"' in page
    link = f"/documents/{document}/versions/1/searchable/"
    assert link in page
    assert streamed(browser.get(link)).startswith(b"%PDF")
