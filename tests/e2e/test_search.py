"""The search page in the browser: a word of the text finds the document, marked; facets and
paging narrow and move; what one may not see never shows."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from tests.e2e.browser import sign_in
from tests.helpers import upload
from tests.search.test_search_api import found

pytestmark = pytest.mark.e2e


def search_for(page: Page, words: str) -> None:
    page.get_by_label("Search", exact=True).fill(words)
    page.get_by_role("button", name="Search").click()


def test_find_by_a_word_of_the_text_narrow_by_tag_and_page(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    upload(alice, b"Supply terms: the pangolin clause <b>binds</b>", "supply.txt", tags="legal")
    upload(alice, b"pangolin sightings, memo", "memo.txt", tags="internal")
    upload(alice, b"pangolin sightings, memo two", "memo2.txt", tags="internal")
    found(alice, "pangolin", 3)
    sign_in(page, "alice", "alice-pass-1")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_text("Type a word or two")).to_be_visible()
    search_for(page, "pangolin")

    expect(page.get_by_role("status")).to_have_text("3 results for “pangolin”")
    supply = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name="supply.txt", exact=True)
    )
    expect(supply.locator("mark").first).to_have_text("pangolin")
    expect(supply.get_by_text("<b>binds</b>")).to_be_visible()  # text, not markup

    page.get_by_role("complementary").get_by_role("link", name="internal").click()
    expect(page.get_by_role("status")).to_have_text("2 results for “pangolin”")
    expect(page.get_by_role("link", name="supply.txt")).to_have_count(0)
    page.get_by_role("link", name="Any tag").click()
    expect(page.get_by_role("status")).to_have_text("3 results for “pangolin”")

    page.goto("/search/?q=pangolin&page_size=2")
    pages = page.get_by_role("navigation", name="Pages")
    expect(pages).to_contain_text("Page 1 of 2")
    pages.get_by_role("link", name="Next page").click()
    expect(pages).to_contain_text("Page 2 of 2")
    expect(page.locator(".result")).to_have_count(1)


def test_another_user_finds_nothing_of_it(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    upload(alice, b"the okapi acquisition", "okapi.txt", tags="secret")
    found(alice, "okapi")
    sign_in(page, "bob", "bob-pass-1")
    page.goto("/search/")
    search_for(page, "okapi")
    expect(page.get_by_role("status")).to_have_text("0 results for “okapi”")
    expect(page.get_by_text("okapi.txt")).to_have_count(0)
    expect(page.get_by_text("secret")).to_have_count(0)


def test_search_with_the_keyboard_only(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    """The box takes the focus, Enter searches, Tab reaches the first result's link."""
    upload(alice, b"the capybara contract", "capybara.txt")
    found(alice, "capybara")
    sign_in(page, "alice", "alice-pass-1")
    page.goto("/search/")
    expect(page.get_by_label("Search", exact=True)).to_be_focused()
    page.keyboard.type("capybara")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("1 result for “capybara”")
    page.get_by_label("Search", exact=True).focus()
    page.keyboard.press("Tab")  # the button
    page.keyboard.press("Tab")  # the first result
    expect(page.get_by_role("link", name="capybara.txt")).to_be_focused()
