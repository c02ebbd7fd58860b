"""Health, schema and docs."""

from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient


def test_healthz_reports_database_and_storage(transactional_db: None) -> None:
    response = APIClient().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["storage"] == "ok"


def test_healthz_names_a_down_storage(transactional_db: None, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Fake by necessity: the storage must fail on demand without stopping a shared server."""

    def broken() -> None:
        raise ConnectionError("connection refused")

    monkeypatch.setattr(storages["blobs"], "check_available", broken)
    response = APIClient().get("/healthz")
    assert response.status_code == 503
    assert response.json()["storage"] == "down"
    assert "connection refused" in response.json()["problems"][0]


def test_schema_is_valid_and_docs_page_serves(alice: APIClient, capsys) -> None:  # type: ignore[no-untyped-def]
    schema = alice.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/documents/{id}/download/" in schema.content
    browser = Client()
    assert browser.login(username="alice", password="alice-pass-1")
    docs = browser.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_anonymous_access_is_refused_except_health(transactional_db: None) -> None:
    client = APIClient()
    assert client.get("/api/v1/documents/").status_code == 401
    assert client.get("/api/v1/schema/").status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/login/").status_code == 200
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/login/")
