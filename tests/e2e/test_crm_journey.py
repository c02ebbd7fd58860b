"""A salesperson's journey through the CRM pages: a new lead, converted into a contact and a deal
in the lead page's dialog; a lead with a request letter converted into a contact, a company
(after the TIN an administrator made required on the custom fields page) and a deal that shows
the letter; sharing and deleting records. The pages pass axe and fit a phone."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Contact, Deal, Lead, LeadStatus, ListItem, Pipeline
from repository.models import DocumentLink
from tests.crm.helpers import create, define
from tests.e2e.browser import check_accessibility, check_page, sign_in, sign_out
from tests.helpers import upload

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


def _define_the_tin_in_administration(page: Page) -> None:
    """An administrator makes the company's TIN a required field on the custom fields page."""
    sign_in(page, "admin", "admin-pass-1")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Administration").click()
    areas = page.get_by_role("navigation", name="Administration areas")
    areas.get_by_role("link", name="Pipelines", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pipelines")
    expect(page.get_by_role("row", name=re.compile("^Sales"))).to_be_visible()
    check_page(page, "crm-pipelines")
    areas.get_by_role("link", name="Custom fields", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Custom fields")
    page.get_by_label("Record kind").select_option(label="Company")
    page.get_by_label("Label", exact=True).fill("TIN")
    page.get_by_label("Code", exact=True).fill("tin")
    page.get_by_label("Type", exact=True).select_option(label="String")
    page.get_by_label("Required", exact=True).check()
    page.get_by_role("button", name="Create field").click()
    companies = page.get_by_role("region", name="Company fields")
    expect(companies.get_by_role("link", name="TIN")).to_be_visible()
    check_page(page, "crm-fields")
    sign_out(page)


def test_a_lead_with_a_request_letter_converts_and_the_letter_shows_on_the_deal(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    """The issue's journey: the letter linked to the lead is linked by the conversion to the new
    contact, company (after the TIN the dialog asks for) and deal, and shows on the deal page;
    the owner then shares the deal with her group."""
    _define_the_tin_in_administration(page)
    lead = create(
        alice,
        "leads",
        title="Harbour offices",
        name="Ann",
        last_name="Lee",
        company_title="Acme Ltd",
        email="Ann.Lee@ACME.example",
        phone="+49 30 1234567",
    )
    letter = upload(alice, b"Please quote for our move.", "request.txt", title="Request letter")
    assert letter.status_code == 201, letter.content
    linked = alice.post(
        f"/api/v1/documents/{letter.json()['id']}/links/",
        {"target_type": "lead", "target_id": lead["id"], "relation": "attachment"},
        format="json",
    )
    assert linked.status_code == 201, linked.content

    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/crm/leads/{lead['id']}/")
    expect(page.get_by_role("definition").filter(has_text="+49301234567")).to_be_visible()
    documents = page.get_by_role("region", name="Documents")
    expect(documents.get_by_role("link", name="Request letter")).to_be_visible()

    page.get_by_role("button", name="Convert", exact=True).click()
    dialog = page.get_by_role("dialog", name="Conversion")
    for target in ("Contact", "Company", "Deal"):
        dialog.get_by_role("checkbox", name=target).check()
    dialog.get_by_role("button", name="Convert lead", exact=True).click()
    dialog = page.get_by_role("dialog", name="Conversion")
    expect(dialog.get_by_role("alert")).to_contain_text("missing")
    assert not Deal.objects.exists()  # all or nothing
    dialog.get_by_label("TIN").fill("7701234567")
    dialog.get_by_role("button", name="Convert lead", exact=True).click()

    converted = page.get_by_role("region", name="Converted into")
    expect(converted.get_by_role("link", name="Ann Lee")).to_be_visible()
    expect(converted.get_by_role("link", name="Acme Ltd")).to_be_visible()
    deal = Deal.objects.get()
    assert deal.company is not None and deal.company.fields == {"tin": "7701234567"}
    assert deal.contact is not None and deal.contact.email == "Ann.Lee@acme.example"
    for kind, record_id in (
        ("contact", deal.contact.pk),
        ("company", deal.company.pk),
        ("deal", deal.pk),
    ):
        assert DocumentLink.objects.filter(
            document_id=letter.json()["id"], target_type=kind, target_id=record_id
        ).exists(), kind

    converted.get_by_role("link", name="Harbour offices").click()
    expect(page).to_have_url(re.compile(rf"/crm/deals/{deal.pk}/$"))
    documents = page.get_by_role("region", name="Documents")
    expect(documents.get_by_role("link", name="Request letter")).to_be_visible()

    page.get_by_role("link", name="Share", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Share the deal")
    page.get_by_role("checkbox", name="sales").check()
    check_page(page, "crm-share")
    page.get_by_role("button", name="Save sharing").click()
    expect(page.get_by_role("definition").filter(has_text="group:sales")).to_be_visible()
    documents.get_by_role("link", name="Request letter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request letter")


def test_the_owner_deletes_a_contact_after_confirming(
    page: Page, users: dict[str, User], alice: APIClient
) -> None:
    contact = create(alice, "contacts", name="Carl", last_name="Berg")
    sign_in(page, "alice", "alice-pass-1")
    page.goto(f"/crm/contacts/{contact['id']}/")
    page.get_by_role("button", name="Delete", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete the contact Carl Berg?")
    check_accessibility(page)
    assert Contact.objects.filter(pk=contact["id"]).exists()
    page.get_by_role("button", name="Delete contact").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacts")
    expect(page.get_by_role("link", name="Carl Berg")).to_have_count(0)
    assert not Contact.objects.filter(pk=contact["id"]).exists()


def test_an_administrator_orders_stages_and_edits_a_list_fields_items(
    page: Page, users: dict[str, User], admin: APIClient, alice: APIClient
) -> None:
    """A new pipeline gets a stage put between two others; an item a deal holds is refused
    removal on the form, then the list is renamed and extended."""
    grade = define(admin, "deal", "grade", type="list", items=["Gold", "Silver"], label="Grade")
    gold, silver = (item["id"] for item in grade["items"])
    create(alice, "deals", title="Desks", fields={"grade": gold})
    sign_in(page, "admin", "admin-pass-1")
    page.goto("/administration/pipelines/")
    page.get_by_role("link", name="New pipeline").click()
    page.get_by_label("Pipeline name").fill("Tenders")
    page.get_by_label("Stage 1 name", exact=True).fill("Bid")
    page.get_by_label("Stage 2 name", exact=True).fill("Won")
    page.get_by_role("button", name="Create pipeline").click()
    page.get_by_role("link", name="Tenders").click()
    expect(page.get_by_label("Stage 1 code", exact=True)).to_be_disabled()
    check_page(page, "crm-pipeline")
    page.get_by_label("Stage 3 name", exact=True).fill("Sent")
    page.get_by_label("Stage 3 position", exact=True).fill("2")
    page.get_by_label("Stage 2 position", exact=True).fill("3")
    page.get_by_role("button", name="Save pipeline").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pipelines")
    tenders = Pipeline.objects.get(name="Tenders")
    assert list(tenders.stages.values_list("code", flat=True)) == ["bid", "sent", "won"]

    page.goto("/administration/crm-fields/")
    page.get_by_role("region", name="Deal fields").get_by_role("link", name="Grade").click()
    check_page(page, "crm-field")
    page.get_by_label("Item 1: remove").check()
    page.get_by_role("button", name="Save field").click()
    expect(page.get_by_role("alert")).to_contain_text("Records hold the item 'Gold'")
    page.get_by_label("Item 1: remove").uncheck()
    page.get_by_label("Item 2 name").fill("Silver plus")
    page.get_by_label("New items").fill("Bronze")
    page.get_by_role("button", name="Save field").click()
    expect(page.get_by_label("Item 3 name")).to_have_value("Bronze")
    labels = dict(ListItem.objects.values_list("pk", "label"))
    assert labels[gold] == "Gold" and labels[silver] == "Silver plus" and len(labels) == 3
