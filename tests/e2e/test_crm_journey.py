"""A salesperson's journey through the CRM pages: a new lead, converted into a contact and a deal
in the lead page's dialog; the leads list and the lead page pass axe and fit a phone."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Deal, Lead, LeadStatus
from tests.crm.helpers import create, define
from tests.e2e.browser import check_accessibility, check_page, sign_in

pytestmark = pytest.mark.e2e


def test_a_new_lead_converts_into_a_contact_and_a_deal(page: Page, users: dict[str, User]) -> None:
    sign_in(page, "alice", "alice-pass-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="CRM").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Leads")

    page.get_by_label("Title").fill("Office move to the harbour")
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Company name").fill("Acme Ltd")
    page.get_by_role("button", name="Create lead").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Office move to the harbour")
    check_page(page, "crm-lead")

    page.get_by_role("link", name="Leads", exact=True).click()
    expect(page.get_by_role("link", name="Office move to the harbour")).to_be_visible()
    check_page(page, "crm-leads")
    page.get_by_role("link", name="Office move to the harbour").click()

    # "Convert" opens the dialog, "Convert lead" in it converts: exact names keep them apart.
    page.get_by_role("button", name="Convert", exact=True).click()
    dialog = page.get_by_role("dialog", name="Conversion")
    expect(dialog).to_be_visible()
    dialog.get_by_role("checkbox", name="Contact").check()
    dialog.get_by_role("checkbox", name="Deal").check()
    expect(dialog.get_by_label("Pipeline")).to_be_visible()
    dialog.get_by_role("button", name="Convert lead", exact=True).click()

    converted = page.get_by_role("region", name="Converted into")
    expect(converted).to_be_visible()
    expect(converted.get_by_role("link", name="Ann Lee")).to_be_visible()
    expect(page.get_by_role("button", name="Convert", exact=True)).to_have_count(0)
    lead = Lead.objects.get()
    assert lead.status == LeadStatus.CONVERTED and lead.converted_company_id is None
    assert AuditEvent.objects.filter(action="lead.convert", object_id=str(lead.pk)).exists()

    converted.get_by_role("link", name="Office move to the harbour").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Office move to the harbour")
    expect(page).to_have_url(re.compile(rf"/crm/deals/{Deal.objects.get().pk}/$"))
    expect(page.get_by_role("button", name="Generate document")).to_be_visible()
    expect(page.get_by_role("link", name="Ann Lee")).to_be_visible()


def test_a_required_field_is_asked_for_in_the_dialog_and_the_lead_converts(
    page: Page, users: dict[str, User], alice: APIClient, admin: APIClient
) -> None:
    """The company needs a TIN: the dialog comes back asking for it, then the lead converts."""
    define(admin, "company", "tin", required=True, label="TIN")
    lead = create(alice, "leads", title="Harbour offices", name="Ann", company_title="Acme Ltd")
    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/crm/leads/{lead['id']}/")

    page.get_by_role("button", name="Convert", exact=True).click()
    dialog = page.get_by_role("dialog", name="Conversion")
    dialog.get_by_role("checkbox", name="Company").check()
    dialog.get_by_role("checkbox", name="Deal").check()
    dialog.get_by_role("button", name="Convert lead", exact=True).click()

    dialog = page.get_by_role("dialog", name="Conversion")
    expect(dialog.get_by_role("alert")).to_contain_text("missing")
    expect(dialog.get_by_role("checkbox", name="Company")).to_be_checked()
    check_accessibility(page)
    assert Lead.objects.get().status == LeadStatus.NEW
    dialog.get_by_label("TIN").fill("7701234567")
    dialog.get_by_role("button", name="Convert lead", exact=True).click()

    converted = page.get_by_role("region", name="Converted into")
    expect(converted.get_by_role("link", name="Acme Ltd")).to_be_visible()
    converted.get_by_role("link", name="Acme Ltd").click()
    expect(page.get_by_role("definition").filter(has_text="7701234567")).to_be_visible()
