"""Helpers for page tests: signed-in clients, uploads through the API, reading pages as a person does."""

import html
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


def page_client(user: User) -> Client:
    """A browser session of `user` that, like a browser, must send the CSRF token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def csrf_token(client: Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, f"{path} carries a CSRF token"
    return match.group(1)


def submit(client: Client, page: str, action: str, fields: dict[str, object]) -> object:
    """POST `fields` to `action` with the token the form on `page` carries."""
    token = csrf_token(client, page)
    return client.post(action, {"csrfmiddlewaretoken": token, **fields})


def body_rows(content: bytes) -> list[list[str]]:
    """The cells (text only) of each row in the page's table bodies."""
    text = content.decode()
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", text, re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells])
    return rows


def errors_of(content: bytes) -> str:
    """The text of every error shown on the page."""
    text = content.decode()
    found = re.findall(r'class="(?:notice error|error)"[^>]*>(.*?)</(?:div|p)>', text, re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)) for part in found)
