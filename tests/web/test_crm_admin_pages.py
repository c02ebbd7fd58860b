"""Pipelines and custom fields in administration: administrators list, create and edit them
through the API's services (same refusals, same audit events); anyone else gets the 404 page."""

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from crm.models import FieldDefinition, ListItem, Pipeline, default_pipeline
from tests.crm.helpers import create, define
from tests.web.pages import body_rows, errors_of, page_client, text
from tests.web.pages import submit as _submit

pytestmark = pytest.mark.rolled_back


def submit(client: Client, page: str, action: str, fields: dict[str, Any]) -> Any:
    return _submit(client, page, action, fields)


PAGES = (
    "/administration/pipelines/",
    "/administration/pipelines/new/",
    "/administration/crm-fields/",
)


def test_only_administrators_open_the_crm_administration(users: dict[str, User]) -> None:
    admin = page_client(users["admin"])
    index = text(admin.get("/administration/"))
    assert 'href="/administration/pipelines/"' in index
    assert 'href="/administration/crm-fields/"' in index
    for path in PAGES:
        assert admin.get(path).status_code == 200
        assert page_client(users["alice"]).get(path).status_code == 404
    default = default_pipeline().pk
    assert (
        page_client(users["alice"]).get(f"/administration/pipelines/{default}/").status_code == 404
    )
    token_page = "/crm/leads/"
    alice = page_client(users["alice"])
    forged = submit(alice, token_page, "/administration/pipelines/new/", {"name": "Mine"})
    assert forged.status_code == 404 and not Pipeline.objects.filter(name="Mine").exists()


def test_a_pipeline_is_created_with_ordered_stages(users: dict[str, User]) -> None:
    admin = page_client(users["admin"])
    listing = body_rows(admin.get("/administration/pipelines/").content)
    assert listing[0][0] == "Sales" and "New (new)" in listing[0][1]
    created = submit(
        admin,
        "/administration/pipelines/new/",
        "/administration/pipelines/new/",
        {
            "name": "Tenders",
            "stage-0-name": "Won",
            "stage-0-position": "3",
            "stage-1-name": "Bid prepared",
            "stage-1-position": "1",
            "stage-2-name": "Submitted",
            "stage-2-code": "sent",
            "stage-2-position": "2",
        },
    )
    assert created.status_code == 302, errors_of(created.content)
    pipeline = Pipeline.objects.get(name="Tenders")
    stages = list(pipeline.stages.values_list("code", "name"))
    assert stages == [("bid-prepared", "Bid prepared"), ("sent", "Submitted"), ("won", "Won")]
    event = AuditEvent.objects.get(action="pipeline.create", object_id=str(pipeline.pk))
    assert event.details["stages"] == ["bid-prepared", "sent", "won"]
    rows = body_rows(admin.get("/administration/pipelines/").content)
    tenders = next(row for row in rows if row[0] == "Tenders")
    shown = tenders[1]
    assert shown.index("Bid prepared") < shown.index("Submitted (sent)") < shown.index("Won")


def test_bad_pipeline_input_comes_back_on_the_form(users: dict[str, User]) -> None:
    default_pipeline()  # a flushed test database lost the migration's row
    admin = page_client(users["admin"])
    path = "/administration/pipelines/new/"
    no_stage = submit(admin, path, path, {"name": "Empty"})
    assert no_stage.status_code == 400 and "at least one stage" in errors_of(no_stage.content)
    twice = submit(
        admin,
        path,
        path,
        {"name": "Twice", "stage-0-name": "Bid", "stage-1-name": "bid"},
    )
    assert twice.status_code == 400 and "differ" in errors_of(twice.content)
    taken = submit(admin, path, path, {"name": "Sales", "stage-0-name": "One"})
    assert taken.status_code == 409 and 'value="Sales"' in text(taken)
    assert Pipeline.objects.count() == 1


def test_editing_a_pipeline_renames_reorders_and_refuses_dropping_a_stage_with_deals(
    users: dict[str, User], admin: APIClient, alice: APIClient
) -> None:
    body = {
        "name": "Tenders",
        "stages": [{"code": "bid", "name": "Bid"}, {"code": "won", "name": "Won"}],
    }
    pipeline = admin.post("/api/v1/crm/pipelines/", body, format="json").json()["id"]
    create(alice, "deals", title="Tender", pipeline=pipeline)  # stands in `bid`
    client = page_client(users["admin"])
    path = f"/administration/pipelines/{pipeline}/"
    form = text(client.get(path))
    assert 'value="Tenders"' in form and 'value="bid"' in form and "disabled" in form

    refused = submit(
        client,
        path,
        path,
        {"name": "Tenders", "stage-0-name": "Bid", "stage-0-remove": "on", "stage-1-name": "Won"},
    )
    assert refused.status_code == 409 and "Deals stand" in errors_of(refused.content)
    assert list(Pipeline.objects.get(pk=pipeline).stages.values_list("code", flat=True)) == [
        "bid",
        "won",
    ]
    saved = submit(
        client,
        path,
        path,
        {
            "name": "Public tenders",
            "stage-0-name": "Bid sent",
            "stage-0-position": "2",
            "stage-1-name": "Won",
            "stage-1-position": "3",
            "stage-2-name": "Preparing",
            "stage-2-position": "1",
            # a forged code for a saved stage is ignored: its input is disabled
            "stage-1-code": "hacked",
        },
    )
    assert saved.status_code == 302, errors_of(saved.content)
    updated = Pipeline.objects.get(pk=pipeline)
    assert updated.name == "Public tenders"
    assert list(updated.stages.values_list("code", "name")) == [
        ("preparing", "Preparing"),
        ("bid", "Bid sent"),
        ("won", "Won"),
    ]
    assert AuditEvent.objects.filter(action="pipeline.update", object_id=str(pipeline)).exists()

    in_use = submit(client, path, f"{path}delete/", {})
    assert in_use.status_code == 409 and Pipeline.objects.filter(pk=pipeline).exists()
    default = default_pipeline().pk
    kept = submit(
        client,
        f"/administration/pipelines/{default}/",
        f"/administration/pipelines/{default}/delete/",
        {},
    )
    assert kept.status_code == 409


def test_an_empty_pipeline_is_deleted(users: dict[str, User], admin: APIClient) -> None:
    body = {"name": "Spare", "stages": [{"code": "one", "name": "One"}]}
    pipeline = admin.post("/api/v1/crm/pipelines/", body, format="json").json()["id"]
    client = page_client(users["admin"])
    path = f"/administration/pipelines/{pipeline}/"
    deleted = submit(client, path, f"{path}delete/", {})
    assert deleted.status_code == 302 and not Pipeline.objects.filter(pk=pipeline).exists()
    assert AuditEvent.objects.filter(action="pipeline.delete", object_id=str(pipeline)).exists()


def test_a_list_field_is_created_with_items_and_listed_per_kind(users: dict[str, User]) -> None:
    client = page_client(users["admin"])
    path = "/administration/crm-fields/"
    created = submit(
        client,
        path,
        path,
        {
            "entity": "company",
            "label": "Size",
            "code": "size",
            "type": "list",
            "required": "on",
            "items": "Small\n\n Large \n",
        },
    )
    assert created.status_code == 302, errors_of(created.content)
    definition = FieldDefinition.objects.get(code="size")
    assert definition.entity == "company" and definition.required
    assert [item.label for item in ListItem.objects.all()] == ["Small", "Large"]
    assert AuditEvent.objects.filter(action="crm_field.create").exists()
    page = text(client.get(path))
    assert 'aria-labelledby="fields-company"' in page
    assert ["Size", "size", "List", "Yes", "SmallLarge"] in body_rows(page.encode())

    not_list = submit(
        client,
        path,
        path,
        {"entity": "deal", "label": "TIN", "code": "tin", "type": "string", "items": "A"},
    )
    assert not_list.status_code == 400 and "Only a list field" in errors_of(not_list.content)
    taken = submit(
        client, path, path, {"entity": "company", "label": "Size", "code": "size", "type": "list"}
    )
    assert taken.status_code == 409 and FieldDefinition.objects.count() == 1


def test_list_items_are_renamed_added_and_removed_unless_a_record_holds_them(
    users: dict[str, User], admin: APIClient, alice: APIClient
) -> None:
    """Removing an item a record holds is refused (409, nothing changed); a free one goes."""
    size = define(admin, "company", "size", type="list", items=["Small", "Large", "Huge"])
    small, large, huge = (item["id"] for item in size["items"])
    create(alice, "companies", title="Acme", fields={"size": small})
    client = page_client(users["admin"])
    path = f"/administration/crm-fields/{size['id']}/"
    form = text(client.get(path))
    assert 'value="Small"' in form and "Item 3: remove" in form

    refused = submit(
        client,
        path,
        path,
        {
            "label": "Size",
            f"item-{small}-label": "Small",
            f"item-{small}-remove": "on",
            f"item-{large}-label": "Big",
            f"item-{huge}-label": "Huge",
        },
    )
    assert refused.status_code == 409
    assert "Records hold the item 'Small'" in errors_of(refused.content)
    assert ListItem.objects.get(pk=large).label == "Large"  # nothing of it saved

    saved = submit(
        client,
        path,
        path,
        {
            "label": "Company size",
            f"item-{small}-label": "Small",
            f"item-{large}-label": "Big",
            f"item-{huge}-label": "Huge",
            f"item-{huge}-remove": "on",
            "new_items": "Medium",
        },
    )
    assert saved.status_code == 302, errors_of(saved.content)
    labels = list(ListItem.objects.values_list("label", flat=True))
    assert labels == ["Small", "Big", "Medium"]
    definition = FieldDefinition.objects.get(pk=size["id"])
    assert definition.label == "Company size" and not definition.required
    company = alice.get("/api/v1/crm/companies/").json()["results"][0]
    assert company["fields"] == {"size": small}


def test_removing_an_item_through_the_api_follows_the_same_rule(
    admin: APIClient, alice: APIClient
) -> None:
    grade = define(admin, "lead", "grade", type="list", items=["A", "B"])
    a, b = (item["id"] for item in grade["items"])
    create(alice, "leads", title="T", fields={"grade": a})
    url = f"/api/v1/crm/fields/{grade['id']}/"
    refused = admin.patch(url, {"remove_items": [a]}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "item_in_use"
    assert admin.patch(url, {"remove_items": [b]}, format="json").status_code == 200
    unknown = admin.patch(url, {"remove_items": [b]}, format="json")
    assert unknown.status_code == 400
    assert alice.patch(url, {"remove_items": [a]}, format="json").status_code == 403
    assert list(ListItem.objects.values_list("pk", flat=True)) == [a]


def test_a_field_is_deleted_from_its_page(users: dict[str, User], admin: APIClient) -> None:
    tin = define(admin, "company", "tin", label="TIN")
    client = page_client(users["admin"])
    path = f"/administration/crm-fields/{tin['id']}/"
    deleted = submit(client, path, f"{path}delete/", {})
    assert deleted.status_code == 302 and not FieldDefinition.objects.exists()
    assert client.get(path).status_code == 404
