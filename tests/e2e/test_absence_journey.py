"""People away, in the browser: bob sets his out of office on the page linked from his inbox,
naming carol; a contract routed to bob reaches carol, who approves it on his behalf; the
document's Approval section says so. The route's owner reassigns an open task on the same
section."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Browser, Page, expect
from rest_framework.test import APIClient

from tests.e2e.browser import check_page, sign_in, sign_out
from tests.e2e.test_journeys import base_url
from tests.helpers import upload
from tests.lifecycle.helpers import make_route, step, submit

pytestmark = pytest.mark.e2e

TITLE = "Lease of the Oslo office"


def test_a_substitute_approves_on_behalf_of_an_absent_approver(
    page: Page, browser: Browser, users: dict[str, User], alice: APIClient
) -> None:
    users["carol"] = User.objects.create_user("carol", "carol@example.com", "carol-pass-1")
    sign_in(page, "bob", "bob-pass-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Out of office").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Out of office")
    page.get_by_label("Substitute").fill("carol")
    page.get_by_label("Until").fill("2999-01-01T09:00")
    page.get_by_role("button", name="Save absence").click()
    expect(page.get_by_role("status")).to_contain_text("carol receives your tasks")
    expect(page.get_by_role("button", name="End absence")).to_be_visible()
    check_page(page, "absence")
    sign_out(page)

    document = upload(alice, b"Lease terms", "lease.txt", title=TITLE).json()["id"]
    submit(alice, document, make_route(alice, "Leases", step("Facilities", "user:bob")))

    other = browser.new_context(base_url=base_url(page), viewport=page.viewport_size)
    try:
        theirs = other.new_page()
        sign_in(theirs, "carol", "carol-pass-1")
        theirs.goto("/inbox/")
        task = theirs.get_by_role("form", name=f"{TITLE}, step Facilities", exact=True)
        expect(task).to_contain_text("on behalf of bob (away)")
        task.get_by_role("button", name="Approve").click()
        expect(theirs.get_by_role("status")).to_contain_text(f"Approved: {TITLE}.")
    finally:
        other.close()

    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/documents/{document}/")
    approval = page.get_by_role("region", name="Approval")
    expect(approval.locator(".approval-status")).to_have_text("Approved")
    expect(approval.get_by_role("row", name="carol on behalf of bob")).to_contain_text("valid")


def test_the_route_owner_reassigns_an_open_task(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    users["carol"] = User.objects.create_user("carol", "carol@example.com", "carol-pass-1")
    document = upload(alice, b"Lease terms", "lease.txt", title=TITLE).json()["id"]
    submit(alice, document, make_route(alice, "Leases", step("Facilities", "user:bob")))
    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/documents/{document}/")
    approval = page.get_by_role("region", name="Approval")
    form = approval.get_by_role("form", name="Reassign the task of user:bob")
    form.get_by_label("Reassign to").fill("user:carol")
    form.get_by_role("button", name="Reassign").click()
    expect(page.get_by_role("status")).to_contain_text("Task reassigned.")
    approval = page.get_by_role("region", name="Approval")
    expect(approval.get_by_role("form", name="Reassign the task of user:carol")).to_be_visible()
    check_page(page)
