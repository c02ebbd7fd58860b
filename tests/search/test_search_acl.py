"""Search trims by the list's rule, whoever joins, moves or leaves after a document was indexed."""

from django.contrib.auth.models import User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from search.models import IndexOutbox
from tests.conftest import wait_for
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder, visible_ids
from tests.search.test_search_api import ids, search


def index_settled() -> None:
    """Wait until every queued change is in the index (the worker drains in production)."""
    wait_for(lambda: not IndexOutbox.objects.exists(), timeout=30)


def client_of(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_user_created_after_indexing_finds_what_the_list_shows(
    alice: APIClient, bob: APIClient, admin: APIClient, users: dict[str, User]
) -> None:
    """A folder allows everyone and denies bob; dave, created afterwards, lists the document
    and search finds it too; bob finds nothing."""
    folder = make_folder(alice, "Open")
    grant(
        alice,
        "folders",
        folder,
        entry("everyone", "view"),
        entry("user:bob", "view", effect="deny"),
    )
    document = make_document(alice, "walrus memo", folder)
    index_settled()
    created = admin.post(
        "/api/v1/users/",
        {"username": "dave", "password": "Dave-walrus-2026!"},
        format="json",
    )
    assert created.status_code == 201, created.content
    dave = client_of(User.objects.get(username="dave"))
    index_settled()
    assert document in visible_ids(dave)
    body = search(dave, "walrus")
    assert (body["count"], ids(body)) == (1, {document})
    assert body["facets"]["status"] == {"draft": 1}
    assert search(bob, "walrus")["count"] == 0
    assert document not in visible_ids(bob)
