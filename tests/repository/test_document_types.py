"""Creating a document type: administrators only, audited, a taken slug is a conflict."""

from rest_framework.test import APIClient

from audit.models import AuditEvent
from repository.models import DocumentType

TYPES = "/api/v1/document-types/"


def test_an_administrator_creates_a_type_and_the_audit_log_says_so(admin: APIClient) -> None:
    response = admin.post(TYPES, {"slug": "invoice", "name": "Invoice"}, format="json")
    assert response.status_code == 201, response.content
    created = DocumentType.objects.get(slug="invoice")
    assert response.json()["id"] == created.pk
    event = AuditEvent.objects.get(action="document_type.create")
    assert event.actor_username == "admin"
    assert event.object_type == "document_type"
    assert event.object_id == str(created.pk)
    assert event.details == {"slug": "invoice", "name": "Invoice"}


def test_an_ordinary_user_is_refused_and_nothing_is_created(alice: APIClient) -> None:
    response = alice.post(TYPES, {"slug": "invoice", "name": "Invoice"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "admin_only"
    assert not DocumentType.objects.filter(slug="invoice").exists()
    assert not AuditEvent.objects.filter(action="document_type.create").exists()


def test_a_taken_slug_is_a_conflict_and_keeps_the_first_type(admin: APIClient) -> None:
    assert (
        admin.post(TYPES, {"slug": "invoice", "name": "Invoice"}, format="json").status_code == 201
    )
    response = admin.post(TYPES, {"slug": "invoice", "name": "Other"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_slug"
    assert list(DocumentType.objects.values_list("name", flat=True)) == ["Invoice"]
    assert AuditEvent.objects.filter(action="document_type.create").count() == 1
