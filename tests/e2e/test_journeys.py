"""A day's work of each kind of user, in the browser, with the names UI.md gives the controls."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import search_until_found, sign_in

pytestmark = pytest.mark.e2e

CONTRACT = b"Framework agreement with ACME Ltd. Penalty clause: the quetzal schedule applies.\n"
CONTRACT_V2 = b"Framework agreement with ACME Ltd, second draft. The quetzal schedule is annex 2.\n"


def upload_on_the_list(page: Page, content: bytes, filename: str, title: str, tags: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Documents").click()
    page.get_by_label("File", exact=True).set_input_files(
        {"name": filename, "mimeType": "text/plain", "buffer": content}
    )
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Tags", exact=True).fill(tags)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_staff_upload_find_lock_revise_share_and_download(
    page: Page, browser: Browser, live_server: object, users: dict[str, User]
) -> None:
    legal = Group.objects.create(name="legal")
    legal.user_set.add(users["bob"])
    sign_in(page, "alice", "alice-pass-1")

    upload_on_the_list(page, CONTRACT, "acme.txt", "ACME framework agreement", "contracts, acme")
    document_url = page.url

    search_until_found(page, "quetzal", "ACME framework agreement")
    expect(page.locator("mark").first).to_have_text(re.compile("quetzal", re.IGNORECASE))
    page.get_by_role("link", name="ACME framework agreement", exact=True).click()
    expect(page).to_have_url(document_url)

    page.get_by_role("button", name="Lock", exact=True).click()
    expect(page.get_by_role("button", name="Unlock")).to_be_visible()
    expect(page.get_by_text("Locked by alice")).to_be_visible()

    page.get_by_label("File", exact=True).set_input_files(
        {"name": "acme-v2.txt", "mimeType": "text/plain", "buffer": CONTRACT_V2}
    )
    page.get_by_label("Comment").fill("second draft")
    page.get_by_role("button", name="Upload new version").click()
    versions = page.get_by_role("region", name="Versions")
    expect(versions.get_by_role("row")).to_have_count(3)  # the header and two versions
    expect(versions.get_by_role("link", name="acme-v2.txt")).to_be_visible()

    permissions = page.get_by_role("region", name="Permissions")
    new_entry = permissions.get_by_role("group", name="Add an entry")
    new_entry.get_by_label("Principal").fill("group:legal")
    new_entry.get_by_role("checkbox", name="view", exact=True).check()
    new_entry.get_by_role("checkbox", name="download", exact=True).check()
    new_entry.get_by_label("Allow or deny").select_option(label="Allow")
    permissions.get_by_role("button", name="Save permissions").click()
    expect(
        page.get_by_role("region", name="Permissions").get_by_role(
            "row", name=re.compile("group:legal")
        )
    ).to_be_visible()

    with page.expect_download() as started:
        page.get_by_role("button", name="Download").click()
    download = started.value
    assert download.suggested_filename == "acme-v2.txt"
    with open(download.path(), "rb") as saved:
        assert saved.read() == CONTRACT_V2

    # bob, in the group, now finds it and may download it too
    other = browser.new_context(
        base_url=page.url.split("/documents/")[0], viewport=page.viewport_size
    )
    try:
        bobs = other.new_page()
        sign_in(bobs, "bob", "bob-pass-1")
        search_until_found(bobs, "quetzal", "ACME framework agreement")
        bobs.get_by_role("link", name="ACME framework agreement", exact=True).click()
        expect(bobs.get_by_role("button", name="Download")).to_be_visible()
        expect(bobs.get_by_role("button", name="Lock", exact=True)).to_have_count(0)
        expect(bobs.get_by_role("region", name="Permissions")).to_have_count(0)
    finally:
        other.close()
