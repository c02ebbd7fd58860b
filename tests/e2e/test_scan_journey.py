"""A scanned letter in the browser: uploaded as a picture on the documents list, found by a
word of its text once OCR has read it, with its thumbnail in the list and its page on its own
page."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_accessibility, search_until_found, sign_in
from tests.helpers import text_page_png

pytestmark = pytest.mark.e2e

TITLE = "Letter from Halvorsen Shipping"


def test_a_scanned_letter_is_found_by_a_word_and_shown_as_a_thumbnail(
    page: Page, users: dict[str, User]
) -> None:
    sign_in(page, "alice", "alice-pass-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Documents").click()
    scan = text_page_png("Dear customer, the freight to Narvik", "leaves on Tuesday. Halvorsen")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "letter.png", "mimeType": "image/png", "buffer": scan}
    )
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name="Pages")).to_be_visible()

    # OCR runs after the upload has answered: search until the word is found.
    search_until_found(page, "Narvik", TITLE, attempts=240)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Documents").click()
    thumbnail = page.get_by_role("img", name=f"First page of {TITLE}")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "alt => [...document.images].some(i => i.alt === alt && i.naturalWidth > 0)",
        arg=f"First page of {TITLE}",
        timeout=30_000,
    )
    check_accessibility(page)
    page.get_by_role("link", name=TITLE, exact=True).click()
    expect(page.get_by_text("read from its scanned pages by OCR")).to_be_visible()
    expect(page.get_by_role("link", name="Searchable PDF")).to_be_visible()
    expect(page.get_by_role("img", name=f"Page 1 of {TITLE}")).to_be_visible()
    check_accessibility(page)
