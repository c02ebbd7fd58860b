"""Helpers for page tests: signed-in clients, uploads through the API, reading pages."""

import io
import re
from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from tests.helpers import upload


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def named_file(content: bytes, filename: str) -> io.BytesIO:
    handle = io.BytesIO(content)
    handle.name = filename
    return handle


def api_document(
    client: APIClient, content: bytes, filename: str = "note.txt", **fields: Any
) -> int:
    response = upload(client, content, filename, **fields)
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def share(owner: APIClient, document_id: int, principal: str, *permissions: str) -> None:
    body = {
        "inherit": True,
        "entries": [{"principal": principal, "permissions": list(permissions), "effect": "allow"}],
    }
    response = owner.put(f"/api/v1/documents/{document_id}/acl/", body, format="json")
    assert response.status_code == 200, response.content


def text(response: Any) -> str:
    return str(response.content.decode())


def buttons(page: str) -> list[str]:
    """The names of the page's buttons (their text), in order."""
    return [
        re.sub(r"<[^>]+>", "", name).strip()
        for name in re.findall(r"<button[^>]*>(.*?)</button>", page, re.S)
    ]
