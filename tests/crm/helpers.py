"""Shared steps of the CRM tests, through the API as clients meet it."""

from typing import Any

from rest_framework.test import APIClient

CRM = "/api/v1/crm"


def create(client: APIClient, kind: str, **body: Any) -> dict[str, Any]:
    response = client.post(f"{CRM}/{kind}/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())


def define(admin: APIClient, entity: str, code: str, type: str = "string", **extra: Any) -> dict:
    body = {"entity": entity, "code": code, "label": code.upper(), "type": type, **extra}
    response = admin.post(f"{CRM}/fields/", body, format="json")
    assert response.status_code == 201, response.content
    return dict(response.json())
