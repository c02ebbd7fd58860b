"""Signing in and out in the browser, as everyone does first."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.e2e.browser import sign_in, sign_out

pytestmark = pytest.mark.e2e


def test_sign_in_with_a_wrong_password_then_the_right_one_then_sign_out(
    page: Page, users: dict[str, User]
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Sign in"))

    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-her-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)

    page.get_by_label("Password").fill("alice-pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/$"))
    navigation = page.get_by_role("navigation", name="Main")
    for link in ("Documents", "Search", "Inbox", "CRM"):
        expect(navigation.get_by_role("link", name=link, exact=True)).to_be_visible()
    expect(navigation.get_by_role("link", name="Audit")).to_have_count(0)
    expect(navigation.get_by_role("link", name="Administration")).to_have_count(0)
    expect(page.get_by_text("alice", exact=True)).to_be_visible()

    sign_out(page)
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto("/documents/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/documents/"))


def test_records_managers_and_administrators_see_their_areas(
    page: Page, users: dict[str, User]
) -> None:
    sign_in(page, "rita", "rita-pass-1")
    navigation = page.get_by_role("navigation", name="Main")
    expect(navigation.get_by_role("link", name="Audit")).to_be_visible()
    expect(navigation.get_by_role("link", name="Administration")).to_have_count(0)
    sign_out(page)

    sign_in(page, "admin", "admin-pass-1")
    expect(navigation.get_by_role("link", name="Administration")).to_be_visible()
