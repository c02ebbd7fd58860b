"""A day's work of each kind of user, in the browser, with the names UI.md gives the controls."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect
from rest_framework.test import APIClient

from tests.e2e.browser import search_until_found, sign_in
from tests.helpers import upload

pytestmark = pytest.mark.e2e

CONTRACT = b"Framework agreement with ACME Ltd. Penalty clause: the quetzal schedule applies.\n"
CONTRACT_V2 = b"Framework agreement with ACME Ltd, second draft. The quetzal schedule is annex 2.\n"


def base_url(page: Page) -> str:
    """The live server's address, for a second person's browser context."""
    match = re.match(r"https?://[^/]+", page.url)
    assert match
    return match.group(0)


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
    page: Page, browser: Browser, users: dict[str, User]
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


def test_records_manager_audits_a_document_holds_it_and_delete_is_refused(
    page: Page, browser: Browser, users: dict[str, User], alice: APIClient
) -> None:
    document = upload(alice, b"Supplier dispute: correspondence", "dispute.txt").json()["id"]
    upload(alice, b"Unrelated memo", "memo.txt")
    sign_in(page, "rita", "rita-pass-1")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit")
    page.get_by_label("Object").fill(f"document:{document}")
    page.get_by_role("button", name="Filter").click()
    events = page.get_by_role("region", name="Events").locator("tbody tr")
    expect(events.first).to_contain_text(f"document:{document}")
    for row in events.all():
        expect(row).to_contain_text(f"document:{document}")

    with page.expect_download() as started:
        page.get_by_role("link", name="Export CSV").click()
    with open(started.value.path(), encoding="utf-8") as exported:
        lines = exported.read().splitlines()
    assert len(lines) >= 2  # a header and the document's events
    assert all(str(document) in line for line in lines[1:])
    assert not any("memo.txt" in line for line in lines)

    page.get_by_role("button", name="Verify chain").click()
    expect(page.get_by_role("status").filter(has_text="Chain")).to_contain_text("Chain intact")

    page.get_by_role("link", name="Legal holds").click()
    page.get_by_label("Object type").select_option("document")
    page.get_by_label("Object id").fill(str(document))
    page.get_by_label("Reason").fill("Supplier dispute, case 2026-17")
    page.get_by_role("button", name="Place hold").click()
    held = page.get_by_role("row", name=re.compile(f"document:{document}"))
    expect(held).to_contain_text("Active")
    expect(held.get_by_role("button", name="Release hold")).to_be_visible()

    # the owner may delete her documents, but not this one while it is held
    owner = browser.new_context(base_url=base_url(page), viewport=page.viewport_size)
    try:
        alices = owner.new_page()
        sign_in(alices, "alice", "alice-pass-1")
        alices.goto(f"/documents/{document}/")
        alices.get_by_role("button", name="Delete").click()
        alices.get_by_role("button", name="Confirm delete").click()
        expect(alices.get_by_role("alert")).to_contain_text(re.compile("hold", re.IGNORECASE))
        alices.goto(f"/documents/{document}/")
        expect(alices.get_by_role("heading", level=1)).to_have_text("dispute.txt")
    finally:
        owner.close()


def test_administrator_creates_a_user_in_a_group_who_sees_only_what_it_may(
    page: Page, browser: Browser, users: dict[str, User], alice: APIClient
) -> None:
    Group.objects.create(name="legal")
    shared = upload(alice, b"Court filing: the ibex matter", "filing.txt").json()["id"]
    body = {
        "inherit": True,
        "entries": [{"principal": "group:legal", "permissions": ["view"], "effect": "allow"}],
    }
    assert alice.put(f"/api/v1/documents/{shared}/acl/", body, format="json").status_code == 200
    upload(alice, b"Private notes on the ibex matter", "notes.txt")
    sign_in(page, "admin", "admin-pass-1")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("navigation", name="Administration areas").get_by_role(
        "link", name="Users"
    ).click()
    page.get_by_label("Username").fill("carol")
    page.get_by_label("Password").fill("Carol-pass-2026!")
    page.get_by_role("group", name="Groups").get_by_label("legal").check()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("row", name=re.compile("carol"))).to_contain_text("legal")

    newcomer = browser.new_context(base_url=base_url(page), viewport=page.viewport_size)
    try:
        carols = newcomer.new_page()
        sign_in(carols, "carol", "Carol-pass-2026!")
        expect(carols.get_by_role("link", name="filing.txt")).to_be_visible()
        expect(carols.get_by_role("link", name="notes.txt")).to_have_count(0)
        navigation = carols.get_by_role("navigation", name="Main")
        expect(navigation.get_by_role("link", name="Administration")).to_have_count(0)
        search_until_found(carols, "ibex", "filing.txt")
        expect(carols.get_by_role("status")).to_have_text("1 result for “ibex”")
        carols.goto("/administration/users/")
        expect(carols.get_by_role("heading", level=1)).not_to_have_text("Users")
    finally:
        newcomer.close()


def test_staff_uploading_the_same_file_again_are_warned_of_the_duplicate(
    page: Page, users: dict[str, User]
) -> None:
    sign_in(page, "alice", "alice-pass-1")
    upload_on_the_list(page, CONTRACT, "acme.txt", "ACME agreement", "contracts")
    first_url = page.url
    upload_on_the_list(page, CONTRACT, "acme-copy.txt", "ACME agreement (copy)", "contracts")
    warning = page.get_by_role("status").filter(has_text="Possible duplicate")
    expect(warning).to_be_visible()
    warning.get_by_role("link", name="ACME agreement", exact=True).click()
    expect(page).to_have_url(first_url)
