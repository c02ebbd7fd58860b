"""An approval in the browser, as UI.md names it: a two-step route with a group step in quorum
mode is defined on the routes page, the contract is submitted on its page, two members of the
group approve in their inboxes, the director approves, and the document is approved."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect
from rest_framework.test import APIClient

from tests.e2e.browser import check_accessibility, check_page, sign_in
from tests.e2e.test_journeys import base_url
from tests.helpers import upload
from tests.lifecycle.helpers import make_route, step, submit

pytestmark = pytest.mark.e2e

TITLE = "ACME supply contract"


def define_route(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Approval routes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Approval routes")
    check_accessibility(page)
    page.get_by_label("Route name").fill("Contracts")
    legal = page.get_by_role("group", name="Step 1", exact=True)
    legal.get_by_label("Step name").fill("Legal")
    legal.get_by_label("Approvers").fill("group:legal")
    legal.get_by_label("Mode").select_option("quorum")
    legal.get_by_label("Quorum").fill("2")
    legal.get_by_label("Deadline (hours)").fill("48")
    director = page.get_by_role("group", name="Step 2", exact=True)
    director.get_by_label("Step name").fill("Director")
    director.get_by_label("Approvers").fill("user:bob")
    page.get_by_role("button", name="Create route").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contracts")
    expect(page.get_by_role("status")).to_contain_text("version 1")


def decide_in_inbox(browser: Browser, page: Page, username: str, step: str) -> None:
    """`username` approves the contract's task of `step` in their inbox."""
    other = browser.new_context(base_url=base_url(page), viewport=page.viewport_size)
    try:
        theirs = other.new_page()
        sign_in(theirs, username, f"{username}-pass-1")
        theirs.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
        task = theirs.get_by_role("form", name=f"{TITLE}, step {step}", exact=True)
        expect(task.get_by_role("link", name=TITLE)).to_be_visible()
        check_accessibility(theirs)
        task.get_by_label("Comment").fill(f"Fine by {username}")
        task.get_by_role("button", name="Approve").click()
        expect(theirs.get_by_role("status")).to_contain_text(f"Approved: {TITLE}.")
        expect(theirs.get_by_role("form", name=f"{TITLE}, step {step}")).to_have_count(0)
    finally:
        other.close()


def legal_group(users: dict[str, User]) -> None:
    """carol and dave, in the group `legal`."""
    for name in ("carol", "dave"):
        users[name] = User.objects.create_user(name, f"{name}@example.com", f"{name}-pass-1")
    Group.objects.create(name="legal").user_set.add(users["carol"], users["dave"])


def test_the_inbox_is_accessible(page: Page, users: dict[str, User], alice: APIClient) -> None:
    """carol's inbox with two tasks (a group's and her own), and a refusal shown at one."""
    legal_group(users)
    route = make_route(
        alice,
        "Contracts",
        step("Legal", "group:legal", mode="quorum", quorum=2, deadline_hours=48),
    )
    for title in (TITLE, "Framework agreement, Borealis GmbH"):
        document = upload(alice, title.encode(), "contract.txt", title=title).json()["id"]
        submit(alice, document, route)
    sign_in(page, "carol", "carol-pass-1")
    page.goto("/inbox/")
    task = page.get_by_role("form", name=f"{TITLE}, step Legal", exact=True)
    task.get_by_role("button", name="Return").click()
    expect(page.get_by_role("alert")).to_contain_text("A comment is required to return.")
    check_page(page, "inbox")


def test_a_contract_goes_through_a_group_quorum_and_a_director_to_approved(
    page: Page, browser: Browser, users: dict[str, User], alice: APIClient
) -> None:
    legal_group(users)
    document = upload(alice, b"Supply contract with ACME Ltd.", "supply.txt", title=TITLE)
    document_id = document.json()["id"]
    sign_in(page, "alice", "alice-pass-1")

    define_route(page)

    page.goto(f"/documents/{document_id}/")
    approval = page.get_by_role("region", name="Approval")
    approval.get_by_label("Route").select_option(label="Contracts (version 1, alice)")
    approval.get_by_role("button", name="Submit for approval").click()
    approval = page.get_by_role("region", name="Approval")
    expect(approval.get_by_text("In review", exact=True)).to_be_visible()
    expect(approval.get_by_role("button", name="Withdraw")).to_be_visible()

    decide_in_inbox(browser, page, "carol", "Legal")
    decide_in_inbox(browser, page, "dave", "Legal")
    decide_in_inbox(browser, page, "bob", "Director")

    page.reload()
    approval = page.get_by_role("region", name="Approval")
    expect(approval.locator(".approval-status")).to_have_text("Approved")
    expect(approval.get_by_role("heading", level=3)).to_contain_text("Approved")
    for name in ("carol", "dave", "bob"):
        row = approval.get_by_role("row", name=re.compile(f"^{name} "))
        expect(row).to_contain_text(f"Fine by {name}")
        expect(row).to_contain_text("valid")
    expect(approval.get_by_text("INVALID")).to_have_count(0)
    check_page(page)
