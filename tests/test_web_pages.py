"""The web pages that exist work: signing in lands on `/`, the API docs page loads its files."""

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.helpers import streamed

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

CONTENT_TYPES = {
    ".css": {"text/css"},
    ".js": {"text/javascript", "application/javascript"},
    ".png": {"image/png"},
}


def sign_in(client: Client, username: str, password: str, query: str = "") -> str:
    """Fill in the real /login/ form (CSRF token included); the redirect's target."""
    page = client.get(f"/login/{query}")
    assert page.status_code == 200
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert match, "the login form carries a CSRF token"
    fields = {"csrfmiddlewaretoken": match.group(1), "username": username, "password": password}
    hidden_next = re.search(r'name="next" value="([^"]*)"', page.content.decode())
    if hidden_next:
        fields["next"] = hidden_next.group(1)
    response = client.post(f"/login/{query}", fields)
    assert response.status_code == 302, response.content
    location: str = response["Location"]
    return location


def test_signing_in_lands_on_the_document_list(users: dict[str, User]) -> None:
    client = Client(enforce_csrf_checks=True)

    target = sign_in(client, "alice", "alice-pass-1")

    assert target == "/"
    home = client.get(target)
    assert home.status_code == 200
    page = home.content.decode()
    assert "<h1>Documents</h1>" in page
    assert '<span class="username">alice</span>' in page
    assert "script-src 'self'" in home["Content-Security-Policy"]


def test_signing_in_follows_a_next_on_this_site_only(users: dict[str, User]) -> None:
    """`next` is honoured for a path here; one pointing elsewhere lands on `/`."""
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "alice", "alice-pass-1", "?next=/api/v1/docs/") == "/api/v1/docs/"
    for elsewhere in ("https://attacker.example/", "//attacker.example/x"):
        target = sign_in(
            Client(enforce_csrf_checks=True), "alice", "alice-pass-1", f"?next={elsewhere}"
        )
        assert target == "/"


@pytest.mark.django_db
def test_the_docs_page_asks_for_sign_in(client: Client) -> None:
    """No anonymous access: the docs page sends a browser to the login page."""
    response = client.get("/api/v1/docs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/api/v1/docs/")


def test_the_docs_page_loads_its_static_files(users: dict[str, User]) -> None:
    """Every file the Swagger UI page references answers 200 with its content type."""
    client = Client()
    client.force_login(users["alice"])

    page = client.get("/api/v1/docs/")

    assert page.status_code == 200
    references = set(re.findall(r'(?:src|href)="(/static/[^"]+)"', page.content.decode()))
    assert {ref.rsplit(".", 1)[-1] for ref in references} >= {"css", "js"}
    for reference in sorted(references):
        response = Client().get(reference)
        assert response.status_code == 200, reference
        content_type = response["Content-Type"].split(";")[0]
        assert content_type in CONTENT_TYPES["." + reference.rsplit(".", 1)[-1]], reference
        assert streamed(response)


def test_a_missing_page_is_a_page_and_a_missing_api_path_is_json(users: dict[str, User]) -> None:
    client = Client()
    client.force_login(users["alice"])

    page = client.get("/no-such-page/")
    api = client.get("/api/v1/no-such-path/")

    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.content.decode()
    assert api.status_code == 404
    assert api.json()["code"] == "not_found"
