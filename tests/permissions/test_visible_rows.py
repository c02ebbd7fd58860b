"""`visible_rows` runs the selector's query compiled once; it must answer as the selector does."""

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from rest_framework.test import APIClient

from core.compiled import CompiledRows
from permissions.codes import Permission
from permissions.selectors import documents_for, visible_rows
from repository.models import Document
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder, varied_documents

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

COLUMNS = ("id", "title", "folder_id", "owner__username", "created_at", "current_version__size")


def _expected(user: User, permission: str, ids: list[int]) -> list[dict[str, Any]]:
    queryset = documents_for(user, permission).filter(pk__in=ids).order_by("pk")
    return list(queryset.values(*COLUMNS))


def test_rows_equal_the_selector_for_every_user_and_permission(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    documents = varied_documents(alice, client_for, users)
    Document.objects.filter(pk=documents[10].pk).update(is_deleted=True)
    ids = [document.pk for document in documents]
    readers = [*users.values(), User.objects.get(username="carol")]
    seen = set()
    for user in readers:
        for permission in (Permission.VIEW, Permission.EDIT):
            for chosen in (ids, ids[::3], ids[1:2]):
                rows = sorted(
                    visible_rows(user, COLUMNS, chosen, permission), key=lambda r: r["id"]
                )
                assert rows == _expected(user, permission, chosen), (user.username, permission)
                seen.add(len(rows))
    assert len(seen) > 4  # the scenarios differ, not all empty or all full
    # Converted like the ORM's own values(): datetimes, not the database's text.
    row = visible_rows(users["admin"], COLUMNS, ids[:1])[0]
    assert row["created_at"] == Document.objects.get(pk=ids[0]).created_at


def test_an_acl_change_is_seen_at_once(alice: APIClient, users: dict[str, User]) -> None:
    """The compiled query is kept per ACL generation: a new grant or revoke shows next call."""
    folder = make_folder(alice, "Shared")
    document = make_document(alice, "plan", folder)
    bob = users["bob"]
    assert visible_rows(bob, COLUMNS, [document]) == []
    grant(alice, "folders", folder, entry("user:bob", "view"))
    assert [row["id"] for row in visible_rows(bob, COLUMNS, [document])] == [document]
    grant(alice, "folders", folder)  # no entries: revoked
    assert visible_rows(bob, COLUMNS, [document]) == []


def test_no_rows_for_nobody_and_for_no_ids(alice: APIClient, users: dict[str, User]) -> None:
    document = make_document(alice, "plan")
    assert visible_rows(AnonymousUser(), COLUMNS, [document]) == []
    assert visible_rows(users["alice"], COLUMNS, []) == []


def test_compiled_rows_keep_order_and_refuse_unnamed_keys(alice: APIClient) -> None:
    ids = [make_document(alice, title) for title in ("b", "c", "a")]
    compiled = CompiledRows(
        Document.objects.filter(~Q(title="c")).values("id", "title"), order_by=("title",)
    )
    assert [row["title"] for row in compiled.rows(ids)] == ["a", "b"]
    with pytest.raises(ValueError, match="must select"):
        CompiledRows(Document.objects.values("title"))
