"""Uploading templates: variables listed, broken Jinja refused naming the tag and paragraph,
versions, who may upload."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.templating.helpers import (
    TEMPLATES,
    docx_bytes,
    docx_file,
    make_template,
    render,
    upload_template,
)

pytestmark = pytest.mark.rolled_back


def test_an_administrator_uploads_a_template_and_sees_its_variables(admin: APIClient) -> None:
    """201 with id, name and the dotted variables the template reads; audited."""
    response = upload_template(
        admin,
        docx_bytes(
            "Contract {{ deal.title }} with {{ company.title }} (TIN {{ company.tin }})",
            "Signed {{ today|date }} by {{ user.name }}",
            rows=["{{ item.number }}", "{{ item.name }}", "{{ item.amount|money }}"],
        ),
        name="Supply contract",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Supply contract" and body["version"] == 1
    assert body["variables"] == [
        "company.tin",
        "company.title",
        "deal.items",
        "deal.title",
        "today",
        "user.name",
    ]
    assert AuditEvent.objects.filter(action="template.create", object_id=str(body["id"])).exists()
    listed = admin.get(f"{TEMPLATES}/").json()
    assert [t["name"] for t in listed["results"]] == ["Supply contract"]


@pytest.mark.parametrize(
    ("paragraph", "tag"),
    [
        ("Dear {{ contact.name }", "{{ contact.name }"),
        ("{% if deal.amount > %}big{% endif %}", "{% if deal.amount > %}"),
        ("{% endfo %}", "{% endfo %}"),
        ("{% for item in deal.items %}never closed", "{% for item in deal.items %}"),
    ],
)
def test_broken_jinja_answers_422_naming_the_tag_and_the_paragraph(
    admin: APIClient, paragraph: str, tag: str
) -> None:
    response = upload_template(admin, docx_bytes("A fine first paragraph", paragraph))
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "template_syntax"
    assert body["tag"] == tag
    assert body["paragraph"] == paragraph
    assert paragraph in body["detail"]
    assert admin.get(f"{TEMPLATES}/").json()["count"] == 0


def test_only_administrators_upload_templates_and_everyone_lists_them(
    admin: APIClient, alice: APIClient
) -> None:
    refused = upload_template(alice, docx_bytes("{{ deal.title }}"))
    assert refused.status_code == 403 and refused.json()["code"] == "not_admin"
    template = make_template(admin, "{{ deal.title }}")
    assert alice.get(f"{TEMPLATES}/").json()["count"] == 1
    assert alice.get(f"{TEMPLATES}/{template['id']}/").status_code == 200
    again = alice.post(
        f"{TEMPLATES}/{template['id']}/versions/",
        {"file": docx_file(docx_bytes("x"))},
        format="multipart",
    )
    assert again.status_code == 403


def test_a_file_that_is_not_a_word_document_is_refused(admin: APIClient) -> None:
    handle = docx_file(b"just some text {{ x }}", "template.txt")
    response = admin.post(f"{TEMPLATES}/", {"name": "T", "file": handle}, format="multipart")
    assert response.status_code == 415, response.content


def test_a_new_version_is_used_from_then_on_and_each_render_records_its_version(
    admin: APIClient,
) -> None:
    template = make_template(admin, "First {{ name }}")
    first = render(admin, template["id"], context={"name": "A"})
    assert first.status_code == 200, first.content
    assert first["X-Template-Version"] == "1"
    response = admin.post(
        f"{TEMPLATES}/{template['id']}/versions/",
        {"file": docx_file(docx_bytes("Second {{ name }} {{ other }}"))},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"] == 2
    detail = admin.get(f"{TEMPLATES}/{template['id']}/").json()
    assert detail["version"] == 2 and detail["variables"] == ["name", "other"]
    assert [v["number"] for v in detail["versions"]] == [2, 1]
    second = render(admin, template["id"], context={"name": "B"})
    assert second["X-Template-Version"] == "2"
    versions = [
        event.details["version"]
        for event in AuditEvent.objects.filter(action="template.render").order_by("seq")
    ]
    assert versions == [1, 2]


def test_a_broken_new_version_leaves_the_template_as_it_was(admin: APIClient) -> None:
    template = make_template(admin, "Fine {{ name }}")
    response = admin.post(
        f"{TEMPLATES}/{template['id']}/versions/",
        {"file": docx_file(docx_bytes("Broken {{ name }"))},
        format="multipart",
    )
    assert response.status_code == 422
    assert admin.get(f"{TEMPLATES}/{template['id']}/").json()["version"] == 1


def test_an_unknown_template_answers_404(alice: APIClient) -> None:
    assert alice.get(f"{TEMPLATES}/999999/").status_code == 404
    assert render(alice, 999999).status_code == 404
