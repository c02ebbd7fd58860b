"""CRUD of leads, contacts, companies and deals; pipelines; custom fields and their rules."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Company, Pipeline
from tests.crm.helpers import CRM, create, define

pytestmark = pytest.mark.rolled_back


def test_a_lead_is_created_read_listed_changed_and_deleted_by_its_owner(alice: APIClient) -> None:
    """Each step answers as API.md says and writes its audit event."""
    lead = create(alice, "leads", title="Office chairs", name="Ann", email="ann@example.com")
    assert lead["status"] == "new" and lead["owner"] == "alice" and lead["converted"] is None
    assert alice.get(f"{CRM}/leads/{lead['id']}/").json()["name"] == "Ann"
    listed = alice.get(f"{CRM}/leads/?q=chairs").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == lead["id"]
    assert alice.get(f"{CRM}/leads/?q=tables").json()["count"] == 0
    changed = alice.patch(f"{CRM}/leads/{lead['id']}/", {"status": "in_progress"}, format="json")
    assert changed.status_code == 200 and changed.json()["status"] == "in_progress"
    assert alice.delete(f"{CRM}/leads/{lead['id']}/").status_code == 204
    assert alice.get(f"{CRM}/leads/{lead['id']}/").status_code == 404
    actions = set(AuditEvent.objects.filter(object_type="lead").values_list("action", flat=True))
    assert actions == {"lead.create", "lead.update", "lead.delete"}


def test_a_lead_cannot_be_set_converted_or_junk_by_an_edit(alice: APIClient) -> None:
    lead = create(alice, "leads", title="T")
    response = alice.patch(f"{CRM}/leads/{lead['id']}/", {"status": "converted"}, format="json")
    assert response.status_code == 400
    assert alice.get(f"{CRM}/leads/{lead['id']}/").json()["status"] == "new"


def test_a_deal_enters_the_default_pipelines_first_stage(alice: APIClient) -> None:
    deal = create(alice, "deals", title="Chairs", amount="1200.50", currency="EUR")
    default = Pipeline.objects.get(is_default=True)
    assert deal["pipeline"] == default.pk and deal["stage"] == "new"
    assert deal["amount"] == "1200.50"
    moved = alice.patch(f"{CRM}/deals/{deal['id']}/", {"stage": "won"}, format="json")
    assert moved.json()["stage"] == "won"
    wrong = alice.patch(f"{CRM}/deals/{deal['id']}/", {"stage": "nowhere"}, format="json")
    assert wrong.status_code == 400


def test_pipelines_are_read_by_everyone_and_written_by_administrators(
    alice: APIClient, admin: APIClient
) -> None:
    body = {
        "name": "Tenders",
        "stages": [{"code": "bid", "name": "Bid"}, {"code": "won", "name": "Won"}],
    }
    assert alice.post(f"{CRM}/pipelines/", body, format="json").status_code == 403
    created = admin.post(f"{CRM}/pipelines/", body, format="json")
    assert created.status_code == 201
    pipeline = created.json()
    assert [stage["code"] for stage in pipeline["stages"]] == ["bid", "won"]
    names = [row["name"] for row in alice.get(f"{CRM}/pipelines/").json()["results"]]
    assert names[0] == "Sales" and "Tenders" in names  # the default one first
    deal = create(alice, "deals", title="Tender", pipeline=pipeline["id"])
    assert deal["stage"] == "bid"
    dropping = admin.patch(
        f"{CRM}/pipelines/{pipeline['id']}/",
        {"stages": [{"code": "won", "name": "Won"}]},
        format="json",
    )
    assert dropping.status_code == 409  # a deal stands in `bid`
    default = Pipeline.objects.get(is_default=True).pk
    assert admin.delete(f"{CRM}/pipelines/{default}/").status_code == 409


def test_a_contacts_company_must_be_one_the_caller_sees(alice: APIClient, bob: APIClient) -> None:
    company = create(alice, "companies", title="Acme")
    response = bob.post(f"{CRM}/contacts/", {"name": "Bo", "company": company["id"]}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "not_found"
    mine = create(alice, "contacts", name="Al", company=company["id"])
    assert mine["company"] == company["id"]


def test_a_required_custom_field_is_enforced_on_create_and_update(
    alice: APIClient, admin: APIClient
) -> None:
    """400 naming the field; nothing written."""
    define(admin, "company", "tin", required=True)
    missing = alice.post(f"{CRM}/companies/", {"title": "Acme"}, format="json")
    assert missing.status_code == 400
    assert "fields.tin" in missing.json()["errors"]
    assert not Company.objects.exists()
    company = create(alice, "companies", title="Acme", fields={"tin": "7701"})
    assert company["fields"] == {"tin": "7701"}
    cleared = alice.patch(
        f"{CRM}/companies/{company['id']}/", {"fields": {"tin": None}}, format="json"
    )
    assert cleared.status_code == 400 and "fields.tin" in cleared.json()["errors"]
    assert alice.get(f"{CRM}/companies/{company['id']}/").json()["fields"] == {"tin": "7701"}


def test_custom_values_are_checked_against_their_type(alice: APIClient, admin: APIClient) -> None:
    define(admin, "deal", "size", "number")
    define(admin, "deal", "due", "date")
    define(admin, "deal", "urgent", "boolean")
    tier = define(admin, "deal", "tier", "list", items=["Gold", "Silver"])
    gold = tier["items"][0]["id"]
    for wrong in ({"size": "big"}, {"due": "tomorrow"}, {"urgent": "yes"}, {"tier": 999999}):
        response = alice.post(f"{CRM}/deals/", {"title": "D", "fields": wrong}, format="json")
        assert response.status_code == 400, wrong
        assert f"fields.{next(iter(wrong))}" in response.json()["errors"]
    unknown = alice.post(f"{CRM}/deals/", {"title": "D", "fields": {"nope": 1}}, format="json")
    assert unknown.status_code == 400
    good = {"size": 12.5, "due": "2026-12-01", "urgent": True, "tier": gold}
    assert create(alice, "deals", title="D", fields=good)["fields"] == good


def test_field_definitions_are_read_by_everyone_and_written_by_administrators(
    alice: APIClient, admin: APIClient
) -> None:
    body = {"entity": "lead", "code": "source", "label": "Source", "type": "string"}
    assert alice.post(f"{CRM}/fields/", body, format="json").status_code == 403
    created = define(admin, "lead", "source")
    assert alice.get(f"{CRM}/fields/?entity=lead").json()["count"] == 1
    assert alice.get(f"{CRM}/fields/?entity=deal").json()["count"] == 0
    again = admin.post(f"{CRM}/fields/", body, format="json")
    assert again.status_code == 409
    assert AuditEvent.objects.filter(
        action="crm_field.create", object_id=str(created["id"])
    ).exists()
