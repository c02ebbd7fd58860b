"""Spelling in the browser: an administrator adds the organisation's name to the dictionary,
and a colleague checks a letter on its page; the typos come back marked with suggestions, the
organisation's name and the names of the colleague's CRM contacts pass."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from tests.e2e.browser import check_accessibility, check_page, sign_in, sign_out
from tests.helpers import upload

pytestmark = pytest.mark.e2e

LETTER = (
    "Dear Ms Wojcikowsky,\n\nKontorix thanks you for your order. Please find the invoce "
    "attached; we woud be grateful for payment within thirty days.\n\n"
    "Sehr geehrte Frau Schmidt, im Anhang finden Sie die Rechnnug für den letzten Monat.\n"
)


def test_a_letters_typos_are_marked_and_the_organisations_names_pass(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    alice.post("/api/v1/crm/contacts/", {"name": "Anna", "last_name": "Wojcikowsky"}, format="json")
    document = upload(alice, LETTER.encode(), "letter.txt", title="Order letter").json()["id"]

    sign_in(page, "admin", "admin-pass-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration areas").get_by_role(
        "link", name="Dictionary"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dictionary")
    page.get_by_label("Word", exact=True).fill("Kontorix")
    page.get_by_role("button", name="Add word").click()
    expect(page.get_by_role("rowheader", name="Kontorix")).to_be_visible()
    check_page(page, "administration-dictionary")
    sign_out(page)

    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/documents/{document}/")
    section = page.locator("#spelling")
    expect(section.get_by_role("heading", name="Spelling")).to_be_visible()
    section.get_by_role("button", name="Check spelling").click()  # the language is detected
    marks = section.locator("mark")
    expect(marks).to_have_text(["invoce", "woud", "Rechnnug"])
    suggestions = section.get_by_role("table", name="Suggestions")
    expect(suggestions.get_by_role("row").filter(has_text="invoce")).to_contain_text("invoice")
    expect(suggestions.get_by_role("row").filter(has_text="Rechnnug")).to_contain_text("Rechnung")
    check_accessibility(page)

    section.get_by_label("Language").select_option(label="German")
    section.get_by_role("button", name="Check spelling").click()
    expect(section).to_contain_text("(German")
    expect(section.locator("mark").filter(has_text="Dear")).to_have_count(1)
