"""Cached grants follow every ACL write, and a rolled-back write leaves no cached answer."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.test import APIClient

from permissions.generation import current_token
from permissions.models import AccessControlEntry
from permissions.selectors import documents_for
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_every_acl_and_tree_write_gives_a_new_token(alice: APIClient) -> None:
    tokens = [current_token()]
    folder = make_folder(alice, "Tokens")  # closure rows
    tokens.append(current_token())
    grant(alice, "folders", folder, entry("user:bob", "view"))  # entries
    tokens.append(current_token())
    grant(alice, "folders", folder, inherit=False)  # the ACL row, entries removed
    tokens.append(current_token())
    assert None not in tokens[1:]
    assert len(set(tokens)) == len(tokens)


def test_grants_change_at_once_after_a_write(
    alice: APIClient, client_for: Callable[[str], APIClient]
) -> None:
    bob = client_for("bob")
    folder = make_folder(alice, "Shared later")
    document = make_document(alice, "later", folder)
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404  # cached: nothing
    grant(alice, "folders", folder, entry("user:bob", "view"))
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 200
    grant(alice, "folders", folder, entry("user:bob", "view", effect="deny"))
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404
    assert bob.get("/api/v1/documents/").json()["count"] == 0


def test_a_rolled_back_grant_is_not_served_from_the_cache(
    alice: APIClient, users: dict[str, User]
) -> None:
    folder = make_folder(alice, "Almost shared")
    document = make_document(alice, "almost", folder)
    bob = users["bob"]

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        AccessControlEntry.objects.create(
            folder_id=folder, principal="user:bob", permission="view", effect="allow"
        )
        assert documents_for(bob).filter(pk=document).exists()  # cached under this token
        raise Undo
    assert not documents_for(bob).filter(pk=document).exists()


def test_a_login_keeps_the_token_and_a_user_change_renews_it(users: dict[str, User]) -> None:
    """A login writes `last_login` only: cached grants and tokens stay; other user columns
    (principals, token users) renew the token."""

    def log_in() -> None:
        response = APIClient().post(
            "/api/v1/auth/token/", {"username": "bob", "password": "bob-pass-1"}, format="json"
        )
        assert response.status_code == 200, response.content

    log_in()  # the first login creates bob's API token: a new token row renews it
    before = current_token()
    log_in()
    assert APIClient().login(username="bob", password="bob-pass-1")  # the web login
    assert User.objects.get(pk=users["bob"].pk).last_login is not None
    assert current_token() == before
    User.objects.filter(pk=users["bob"].pk).update(email="robert@example.com")
    assert current_token() != before
