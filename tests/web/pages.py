"""Reading pages as a person does: table rows, a form's CSRF token, signing in."""

import html
import re

from django.contrib.auth.models import User
from django.test import Client


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
