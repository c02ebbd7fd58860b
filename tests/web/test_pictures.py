"""Pictures of pages on the pages: a thumbnail column in the document list, the Pages section
on the document page with the searchable PDF of a scan; readers only, audited like the API."""

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import TextStatus, Version
from tests.conftest import wait_for
from tests.helpers import new_version, pdf_of, streamed, text_page_png, text_pdf_page
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
    assert (
        f'src="/documents/{document}/thumbnail/?version=1" alt="First page of Board minutes"'
        in page
    )
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


def test_a_new_version_gets_a_new_picture_address_so_no_cached_picture_of_the_old_one_shows(
    users: dict[str, User], alice: APIClient
) -> None:
    """Pictures may be kept by the browser for an hour; the pages name the version in their
    address, so after a new version the list and the document page ask for its picture."""
    document = api_document(alice, pdf_of(text_pdf_page("Draft one")), "draft.pdf")
    browser = signed_in(users["alice"])
    assert f"/documents/{document}/thumbnail/?version=1" in text(browser.get("/documents/"))
    response = new_version(alice, document, pdf_of(text_pdf_page("Draft two")), "draft.pdf")
    assert response.status_code == 201, response.content
    listing = text(browser.get("/documents/"))
    assert f"/documents/{document}/thumbnail/?version=2" in listing
    assert f"/documents/{document}/thumbnail/?version=1" not in listing
    page = text(browser.get(f"/documents/{document}/"))
    assert f"/documents/{document}/preview/?page=1&amp;version=2" in page
