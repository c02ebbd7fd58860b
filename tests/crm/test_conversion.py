"""Lead conversion: any non-empty combination of contact, company and deal, all or nothing."""

from typing import Any

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import Company, Contact, Deal, FieldDefinition, Pipeline
from tests.crm.helpers import CRM, create, define
from tests.permissions.acl_helpers import make_document

pytestmark = pytest.mark.rolled_back


def _lead(client: APIClient, **extra: Any) -> dict[str, Any]:
    body = {
        "title": "Chairs for the office",
        "name": "Ann",
        "last_name": "Lee",
        "company_title": "Acme",
        "email": "ann@acme.example",
        "phone": "+1 202 555 0100",
    }
    return create(client, "leads", **{**body, **extra})


def _convert(client: APIClient, lead: dict[str, Any], **body: Any) -> Any:
    return client.post(f"{CRM}/leads/{lead['id']}/convert/", body, format="json")


@pytest.mark.parametrize(
    "targets",
    [
        ["contact"],
        ["company"],
        ["deal"],
        ["contact", "company"],
        ["contact", "deal"],
        ["company", "deal"],
        ["contact", "company", "deal"],
    ],
)
def test_any_combination_converts_and_the_lead_shows_what_was_made(
    alice: APIClient, targets: list[str]
) -> None:
    lead = _lead(alice)
    response = _convert(alice, lead, create=targets)
    assert response.status_code == 201, response.content
    made = response.json()
    assert {kind for kind, value in made.items() if value is not None} == set(targets)
    shown = alice.get(f"{CRM}/leads/{lead['id']}/").json()
    assert shown["status"] == "converted"
    assert {kind: shown["converted"][kind] for kind in made} == made
    if "contact" in targets:
        contact = alice.get(f"{CRM}/contacts/{made['contact']}/").json()
        assert (contact["name"], contact["last_name"], contact["email"]) == (
            "Ann",
            "Lee",
            "ann@acme.example",
        )
        assert contact["company"] == made["company"]
    if "company" in targets:
        assert alice.get(f"{CRM}/companies/{made['company']}/").json()["title"] == "Acme"
    if "deal" in targets:
        deal = alice.get(f"{CRM}/deals/{made['deal']}/").json()
        assert deal["title"] == "Chairs for the office"
        assert (deal["contact"], deal["company"], deal["lead"]) == (
            made["contact"],
            made["company"],
            lead["id"],
        )
        assert deal["pipeline"] == Pipeline.objects.get(is_default=True).pk
        assert deal["stage"] == "new"
    assert AuditEvent.objects.filter(action="lead.convert", object_id=str(lead["id"])).exists()


def test_an_empty_or_unknown_combination_is_refused(alice: APIClient) -> None:
    lead = _lead(alice)
    assert _convert(alice, lead, create=[]).status_code == 400
    assert _convert(alice, lead, create=["invoice"]).status_code == 400
    assert alice.get(f"{CRM}/leads/{lead['id']}/").json()["status"] == "new"


def test_the_deal_enters_the_chosen_pipelines_first_stage(
    alice: APIClient, admin: APIClient
) -> None:
    pipeline = admin.post(
        f"{CRM}/pipelines/",
        {
            "name": "Tenders",
            "stages": [{"code": "bid", "name": "Bid"}, {"code": "won", "name": "W"}],
        },
        format="json",
    ).json()
    made = _convert(alice, _lead(alice), create=["deal"], pipeline=pipeline["id"]).json()
    deal = alice.get(f"{CRM}/deals/{made['deal']}/").json()
    assert (deal["pipeline"], deal["stage"]) == (pipeline["id"], "bid")


def test_a_missing_required_field_answers_422_per_target_and_creates_nothing(
    alice: APIClient, admin: APIClient
) -> None:
    define(admin, "company", "tin", required=True)
    define(admin, "deal", "budget", "number", required=True)
    lead = _lead(alice, company_title="")
    response = _convert(alice, lead, create=["contact", "company", "deal"])
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "missing_fields"
    assert body["missing"] == {"company": ["title", "tin"], "deal": ["budget"]}
    assert not (Contact.objects.exists() or Company.objects.exists() or Deal.objects.exists())
    assert alice.get(f"{CRM}/leads/{lead['id']}/").json()["status"] == "new"
    values = {"company": {"title": "Acme", "tin": "7701"}, "deal": {"budget": 5000}}
    done = _convert(alice, lead, create=["contact", "company", "deal"], values=values)
    assert done.status_code == 201, done.content
    company = alice.get(f"{CRM}/companies/{done.json()['company']}/").json()
    assert (company["title"], company["fields"]) == ("Acme", {"tin": "7701"})


def test_converting_again_answers_409_and_junk_closes_a_lead(alice: APIClient) -> None:
    lead = _lead(alice)
    assert _convert(alice, lead, create=["contact"]).status_code == 201
    again = _convert(alice, lead, create=["deal"])
    assert again.status_code == 409
    assert Deal.objects.count() == 0
    assert alice.post(f"{CRM}/leads/{lead['id']}/junk/").status_code == 409
    other = _lead(alice)
    junked = alice.post(f"{CRM}/leads/{other['id']}/junk/")
    assert junked.status_code == 200 and junked.json()["status"] == "junk"
    assert _convert(alice, other, create=["contact"]).status_code == 409
    assert AuditEvent.objects.filter(action="lead.junk", object_id=str(other["id"])).exists()


def test_transfer_fields_carries_custom_fields_and_list_fields_share_their_list(
    alice: APIClient, admin: APIClient
) -> None:
    define(admin, "lead", "source")
    tier = define(admin, "lead", "tier", "list", items=["Gold", "Silver"])
    gold = tier["items"][0]["id"]
    lead = _lead(alice, fields={"source": "fair", "tier": gold})
    made = _convert(alice, lead, create=["contact", "deal"], transfer_fields=True).json()
    for kind in ("contact", "deal"):
        plural = "contacts" if kind == "contact" else "deals"
        record = alice.get(f"{CRM}/{plural}/{made[kind]}/").json()
        assert record["fields"] == {"source": "fair", "tier": gold}
        copied = FieldDefinition.objects.get(entity=kind, code="tier")
        assert copied.field_list_id == tier["list_id"]
    renamed = admin.patch(
        f"{CRM}/fields/{tier['id']}/",
        {"items": [{"id": gold, "label": "Platinum"}, "Bronze"]},
        format="json",
    )
    assert renamed.status_code == 200
    for kind in ("lead", "contact", "deal"):
        listed = alice.get(f"{CRM}/fields/?entity={kind}").json()["results"]
        (field,) = [row for row in listed if row["code"] == "tier"]
        assert [item["label"] for item in field["items"]] == ["Platinum", "Silver", "Bronze"]


def test_without_transfer_fields_the_custom_values_stay_on_the_lead(
    alice: APIClient, admin: APIClient
) -> None:
    define(admin, "lead", "source")
    lead = _lead(alice, fields={"source": "fair"})
    made = _convert(alice, lead, create=["contact"]).json()
    assert alice.get(f"{CRM}/contacts/{made['contact']}/").json()["fields"] == {}
    assert not FieldDefinition.objects.filter(entity="contact").exists()


def test_the_leads_documents_are_linked_to_the_new_records(alice: APIClient) -> None:
    lead = _lead(alice)
    letter = make_document(alice, "request letter")
    linked = alice.post(
        f"/api/v1/documents/{letter}/links/",
        {"target_type": "lead", "target_id": lead["id"], "relation": "attachment"},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    made = _convert(alice, lead, create=["contact", "deal"]).json()
    deal = alice.get(f"{CRM}/deals/{made['deal']}/").json()
    assert [document["id"] for document in deal["documents"]] == [letter]
    found = alice.get(f"/api/v1/documents/?linked_to=deal:{made['deal']}").json()
    assert [row["id"] for row in found["results"]] == [letter]
