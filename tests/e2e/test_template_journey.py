"""Generating documents in the browser: an administrator uploads a contract template, a
salesperson fills it from a deal into a saved, linked .docx and then its PDF print form."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import FilePayload, Page, expect
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, DocumentLink
from templating.printing import soffice
from tests.crm.helpers import CRM, create
from tests.e2e.browser import check_page, sign_in, sign_out
from tests.templating.helpers import docx_bytes

pytestmark = pytest.mark.e2e

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_a_contract_template_fills_from_a_deal_into_a_saved_linked_docx_and_a_pdf(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    company = create(alice, "companies", title="Acme Ltd")
    deal = create(
        alice,
        "deals",
        title="Harbour office chairs",
        company=company["id"],
        amount="1998.00",
        currency="EUR",
    )
    alice.put(
        f"{CRM}/deals/{deal['id']}/items/",
        {"items": [{"name": "Chair", "quantity": "20", "unit_price": "99.90"}]},
        format="json",
    )

    sign_in(page, "admin", "admin-pass-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    page.get_by_role("link", name="Templates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Templates")
    check_page(page, "templates")
    page.get_by_label("Name").fill("Supply contract")
    contract: FilePayload = {
        "name": "contract.docx",
        "mimeType": DOCX,
        "buffer": docx_bytes(
            "Contract {{ deal.title }} with {{ company.title }}",
            "Total {{ deal.amount|money(deal.currency) }}",
            rows=["{{ item.name }}", "{{ item.quantity|number }}", "{{ item.amount|money }}"],
        ),
    }
    page.get_by_label("File").set_input_files(files=[contract])
    page.get_by_role("button", name="Upload template").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Supply contract")
    variables = page.get_by_role("region", name="Variables")
    expect(variables).to_contain_text("deal.title")
    expect(variables).to_contain_text("company.title")
    check_page(page, "template")
    sign_out(page)

    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/crm/deals/{deal['id']}/")
    page.get_by_role("button", name="Generate document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Generate document")
    page.get_by_label("Template").select_option(label="Supply contract")
    preview = page.get_by_role("region", name="Variables it will fill")
    expect(preview).to_contain_text("Harbour office chairs")
    expect(preview).to_contain_text("Acme Ltd")
    check_page(page, "generate-document")
    page.get_by_label("Title").fill("Chairs contract")
    page.get_by_role("button", name="Generate").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Chairs contract")
    expect(page).to_have_url(re.compile(r"/documents/[0-9]+/$"))
    docx = Document.objects.get(title="Chairs contract")
    assert docx.current_version is not None and docx.current_version.mime_type == DOCX
    assert DocumentLink.objects.filter(
        document=docx, target_type="deal", target_id=deal["id"]
    ).exists()

    page.goto(f"/crm/deals/{deal['id']}/generate/")
    page.get_by_label("Template").select_option(label="Supply contract")
    page.get_by_label("Format").select_option(label="PDF")
    page.get_by_label("Title").fill("Chairs contract print")
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chairs contract print")
    pdf = Document.objects.get(title="Chairs contract print")
    assert pdf.current_version is not None and pdf.current_version.mime_type == "application/pdf"
    assert DocumentLink.objects.filter(
        document=pdf, target_type="deal", target_id=deal["id"]
    ).exists()
    assert AuditEvent.objects.filter(action="template.render", actor_username="alice").count() == 2

    page.goto(f"/crm/deals/{deal['id']}/")
    expect(page.get_by_role("link", name="Chairs contract print")).to_be_visible()
