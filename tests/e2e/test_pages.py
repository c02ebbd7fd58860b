"""Each main page under axe-core at 1280 px (no serious or critical violation) and at 390 px
(the page never scrolls sideways). With KONTOR_SCREENSHOTS_DIR set (`make screenshots`) each
check also saves the page's picture for the README, so the data here is made to look real."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from tests.e2e.browser import check_page, sign_in
from tests.helpers import docx_bytes, upload
from tests.search.test_search_api import found

pytestmark = pytest.mark.e2e


def some_documents(client: APIClient) -> list[int]:
    """A few documents with a folder, tags, two versions: what an office's list looks like."""
    folder = client.post("/api/v1/folders/", {"name": "Contracts"}, format="json").json()["id"]
    made = [
        upload(
            client,
            docx_bytes("Framework agreement with ACME Ltd.", "Penalty clause: 2 % a week."),
            "acme-framework.docx",
            title="ACME framework agreement",
            folder=folder,
            tags="contracts,acme",
        ).json()["id"],
        upload(
            client,
            b"Minutes of the board meeting: the supply budget was approved.",
            "minutes.txt",
            title="Board minutes, March",
            tags="minutes",
        ).json()["id"],
        upload(
            client,
            b"Invoice 2026-114 to Borealis GmbH for supply services.",
            "invoice-114.txt",
            title="Invoice 2026-114",
            tags="invoices",
        ).json()["id"],
    ]
    return made


def test_the_sign_in_page_is_accessible(page: Page, users: dict[str, User]) -> None:
    page.goto("/login/")
    check_page(page, "sign-in")


def test_the_document_list_is_accessible(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    some_documents(alice)
    sign_in(page, "alice", "alice-pass-1")
    page.goto("/documents/")
    expect(page.get_by_role("link", name="Board minutes, March")).to_be_visible()
    check_page(page, "documents")


def test_the_document_page_is_accessible(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    first = some_documents(alice)[0]
    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/documents/{first}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ACME framework agreement")
    check_page(page, "document")


def test_the_search_page_is_accessible(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    some_documents(alice)
    found(alice, "supply", 2)
    sign_in(page, "alice", "alice-pass-1")
    page.goto("/search/?q=supply")
    expect(page.get_by_role("status")).to_have_text("2 results for “supply”")
    check_page(page, "search")


def test_the_audit_page_is_accessible(page: Page, users: dict[str, User], alice: APIClient) -> None:
    some_documents(alice)
    sign_in(page, "rita", "rita-pass-1")
    page.goto("/audit/")
    page.get_by_role("button", name="Verify chain").click()
    expect(page.get_by_text("Chain intact")).to_be_visible()
    check_page(page, "audit")


def test_the_legal_holds_page_is_accessible(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    first = some_documents(alice)[0]
    sign_in(page, "rita", "rita-pass-1")
    page.goto("/audit/holds/")
    page.get_by_label("Object type").select_option("document")
    page.get_by_label("Object id").fill(str(first))
    page.get_by_label("Reason").fill("Supplier dispute, case 2026-17")
    page.get_by_role("button", name="Place hold").click()
    expect(page.get_by_role("button", name="Release hold")).to_be_visible()
    check_page(page, "legal-holds")


def test_the_administration_pages_are_accessible(page: Page, users: dict[str, User]) -> None:
    sign_in(page, "admin", "admin-pass-1")
    page.goto("/administration/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
    check_page(page, "administration")
    page.goto("/administration/users/")
    expect(page.get_by_role("link", name="alice")).to_be_visible()
    check_page(page, "administration-users")
    page.goto("/administration/groups/")
    check_page(page)


def test_the_folder_tree_is_accessible(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    some_documents(alice)
    sign_in(page, "alice", "alice-pass-1")
    page.goto("/folders/")
    expect(page.get_by_role("link", name="Contracts")).to_be_visible()
    check_page(page)
