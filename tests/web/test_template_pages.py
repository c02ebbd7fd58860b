"""Templates in administration and Generate document on a deal page, through the use cases
the API calls."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import Document, DocumentLink
from templating.models import DocumentTemplate
from tests.crm.helpers import CRM, create
from tests.permissions.acl_helpers import entry, grant, make_folder
from tests.templating.helpers import docx_bytes, make_template, paragraphs_of
from tests.web.pages import body_rows, errors_of, named_file, page_client, submit, text

pytestmark = pytest.mark.rolled_back


def test_an_administrator_uploads_a_template_sees_its_variables_and_adds_a_version(
    users: dict[str, User],
) -> None:
    admin = page_client(users["admin"])
    page = "/administration/templates/"
    assert admin.get(page).status_code == 200
    upload = named_file(docx_bytes("Contract {{ deal.title }} for {{ company.title }}"), "c.docx")
    response = submit(admin, page, page, {"name": "Supply contract", "file": upload})
    assert response.status_code == 302, errors_of(response.content)  # type: ignore[attr-defined]
    template = DocumentTemplate.objects.get()
    detail = f"/administration/templates/{template.pk}/"
    shown = admin.get(detail)
    assert "<h1>Supply contract</h1>" in text(shown)
    assert "deal.title" in text(shown) and "company.title" in text(shown)
    again = named_file(docx_bytes("Contract {{ deal.title }} v2 {{ today }}"), "c2.docx")
    assert submit(admin, detail, detail, {"file": again}).status_code == 302  # type: ignore[attr-defined]
    rows = body_rows(admin.get(detail).content)
    assert [row[0] for row in rows] == ["2 (current)", "1"]
    assert AuditEvent.objects.filter(action="template.version").exists()
    assert ["Supply contract", "2", "2", "admin"] in body_rows(admin.get(page).content)


def test_a_broken_template_is_shown_on_the_form_and_not_stored(users: dict[str, User]) -> None:
    admin = page_client(users["admin"])
    page = "/administration/templates/"
    upload = named_file(docx_bytes("Intro", "Dear {{ contact.name }"), "c.docx")
    response = submit(admin, page, page, {"name": "Letter", "file": upload})
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert "{{ contact.name }" in errors_of(response.content)  # type: ignore[attr-defined]
    assert not DocumentTemplate.objects.exists()


def test_template_administration_is_404_for_others(
    users: dict[str, User], admin: APIClient
) -> None:
    template = make_template(admin, "{{ deal.title }}")
    alice = Client()
    alice.force_login(users["alice"])
    assert alice.get("/administration/templates/").status_code == 404
    assert alice.get(f"/administration/templates/{template['id']}/").status_code == 404
    upload = named_file(docx_bytes("x"), "x.docx")
    assert (
        alice.post("/administration/templates/", {"name": "x", "file": upload}).status_code == 404
    )


def test_generate_document_previews_the_values_and_saves_a_linked_document(
    users: dict[str, User], alice: APIClient, admin: APIClient
) -> None:
    company = create(alice, "companies", title="Acme Ltd")
    deal = create(alice, "deals", title="Office chairs", company=company["id"], amount="10.00")
    alice.put(
        f"{CRM}/deals/{deal['id']}/items/",
        {"items": [{"name": "Chair", "quantity": "2", "unit_price": "5.00"}]},
        format="json",
    )
    template = make_template(
        admin,
        "Contract {{ deal.title }} with {{ company.title }}",
        rows=["{{ item.name }}", "{{ item.amount|money }}"],
    )
    client = page_client(users["alice"])
    page = f"/crm/deals/{deal['id']}/generate/"
    preview = client.get(f"{page}?template={template['id']}")
    assert body_rows(preview.content) == [
        ["company.title", "Acme Ltd"],
        ["deal.items", "1 rows"],
        ["deal.title", "Office chairs"],
    ]
    fragment = client.get(f"{page}?template={template['id']}", HTTP_HX_REQUEST="true")
    assert "<h1>" not in text(fragment) and "Acme Ltd" in text(fragment)
    response = submit(
        client, page, page, {"template": template["id"], "format": "docx", "title": ""}
    )
    assert response.status_code == 302  # type: ignore[attr-defined]
    document = Document.objects.get()
    assert response["Location"] == f"/documents/{document.pk}/"  # type: ignore[index]
    assert DocumentLink.objects.filter(
        document=document, target_type="deal", target_id=deal["id"]
    ).exists()
    assert AuditEvent.objects.filter(action="template.render", actor_username="alice").exists()
    opened = client.get(f"/documents/{document.pk}/")
    assert opened.status_code == 200 and "Office chairs" not in errors_of(opened.content)
    assert document.title == template["name"]
    assert document.current_version is not None
    downloaded = client.get(f"/api/v1/documents/{document.pk}/download/")
    content = b"".join(downloaded.streaming_content)  # type: ignore[attr-defined]
    assert paragraphs_of(content)[0] == "Contract Office chairs with Acme Ltd"


def test_generate_document_is_404_for_a_deal_out_of_sight_and_shows_template_errors(
    users: dict[str, User], alice: APIClient, admin: APIClient
) -> None:
    deal = create(alice, "deals", title="Secret")
    template = make_template(admin, "{{ amount|money }}")
    bob = page_client(users["bob"])
    assert bob.get(f"/crm/deals/{deal['id']}/generate/").status_code == 404
    client = page_client(users["alice"])
    page = f"/crm/deals/{deal['id']}/generate/"
    chosen = {"template": template["id"], "format": "docx", "title": ""}
    fine = submit(client, page, page, chosen)
    # an empty value formats as nothing
    assert fine.status_code == 302  # type: ignore[attr-defined]
    bad = submit(client, page, page, {**chosen, "template": 999999})
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert Document.objects.count() == 1


def test_generate_document_files_into_a_chosen_folder_and_only_one_the_user_files_into(
    users: dict[str, User], alice: APIClient, bob: APIClient, admin: APIClient
) -> None:
    deal = create(alice, "deals", title="Office chairs")
    template = make_template(admin, "Contract {{ deal.title }}")
    contracts = make_folder(alice, "Contracts")
    # Bob's folder is shown to Alice to read, not to file into
    shown = make_folder(bob, "Bob's reading room")
    grant(bob, "folders", shown, entry("user:alice", "view"))
    client = page_client(users["alice"])
    page = f"/crm/deals/{deal['id']}/generate/"
    form = text(client.get(page))
    assert ">Contracts</option>" in form and "reading room" not in form
    chosen = {"template": template["id"], "format": "docx", "title": "", "folder": contracts}
    filed = submit(client, page, page, chosen)
    assert filed.status_code == 302  # type: ignore[attr-defined]
    assert Document.objects.get().folder_id == contracts
    forged = submit(client, page, page, {**chosen, "folder": shown})
    assert forged.status_code == 400  # type: ignore[attr-defined]
    assert Document.objects.count() == 1
