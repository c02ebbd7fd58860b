"""Search trims by the list's rule, whoever joins, moves or leaves after a document was indexed."""

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from repository.models import IndexOutbox
from tests.conftest import wait_for
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder, visible_ids
from tests.search.test_search_api import ids, search

pytestmark = pytest.mark.usefixtures("live_index")


def index_settled() -> None:
    """Wait until every queued change is in the index (the worker drains in production)."""
    try:
        wait_for(lambda: not IndexOutbox.objects.exists(), timeout=30)
    except AssertionError:
        pending = list(IndexOutbox.objects.values("document_id", "attempts", "last_error"))
        raise AssertionError(f"the search outbox still holds {pending}") from None


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


def test_changes_of_people_queue_no_reindexing(
    alice: APIClient, admin: APIClient, users: dict[str, User]
) -> None:
    """Creating, regrouping and deactivating users and changing a group's members write no
    outbox row: the index stores terms per principal, never per user."""
    folder = make_folder(alice, "Team")
    grant(
        alice,
        "folders",
        folder,
        entry("group:sales", "view"),
        entry("role:records_manager", "view"),
        entry("everyone", "view"),
        entry("user:bob", "view", effect="deny"),
    )
    make_document(alice, "team memo", folder)
    index_settled()
    with CaptureQueriesContext(connection) as queries:
        changes = [
            admin.post(
                "/api/v1/users/",
                {"username": "erin", "password": "Erin-team-memo-2026!", "groups": ["sales"]},
                format="json",
            ),
            admin.patch(
                "/api/v1/users/bob/",
                {"groups": ["sales"], "roles": ["records_manager"]},
                format="json",
            ),
            admin.patch("/api/v1/users/erin/", {"is_active": False}, format="json"),
            admin.post("/api/v1/groups/", {"name": "legal", "members": ["bob"]}, format="json"),
            admin.patch("/api/v1/groups/sales/", {"members": ["alice", "rita"]}, format="json"),
        ]
    assert [response.status_code for response in changes] == [201, 200, 200, 201, 200]
    queued = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "search_indexoutbox"')]
    assert queued == []
