"""Counting from folder totals agrees with counting the rows, and the totals stay right."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Count, Q
from rest_framework.test import APIClient

from permissions.codes import Permission
from permissions.counts import count_documents_for
from permissions.selectors import documents_for
from repository import counts
from repository.models import Document, Folder, FolderCount
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder, varied_documents

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def _actual_counts() -> dict[int, int]:
    live = Count("documents", filter=Q(documents__is_deleted=False))
    return dict(Folder.objects.annotate(n=live).values_list("pk", "n"))


def _stored_counts() -> dict[int, int]:
    return dict(FolderCount.objects.values_list("folder_id", "live_documents"))


def test_counts_equal_the_rows_for_every_user_folder_and_permission(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    documents = varied_documents(alice, client_for, users)
    trashed = documents[9]
    assert client_for("admin").delete(f"/api/v1/documents/{trashed.pk}/").status_code == 204
    Document.objects.filter(pk=documents[10].pk).update(is_deleted=True)
    carol = User.objects.get(username="carol")
    readers = [*users.values(), carol]
    folders = [None, *{document.folder_id for document in documents if document.folder_id}]
    checked = set()
    for user in readers:
        for permission in (Permission.VIEW, Permission.DOWNLOAD, Permission.EDIT):
            for folder in folders:
                expected = documents_for(user, permission)
                if folder is not None:
                    expected = expected.filter(folder_id=folder)
                count = count_documents_for(user, permission, folder=folder)
                assert count == expected.count(), (user.username, permission, folder)
                checked.add(count)
    assert len(checked) > 4  # the scenarios differ, not all zero


def test_triggers_follow_creates_moves_trash_and_bulk_writes(
    alice: APIClient, users: dict[str, User]
) -> None:
    first = make_folder(alice, "First")
    second = make_folder(alice, "Second")
    ids = [make_document(alice, f"doc {n}", first) for n in range(4)]
    loose = make_document(alice, "at the root")
    assert _stored_counts()[first] == 4
    response = alice.patch(f"/api/v1/documents/{ids[0]}/", {"folder": second}, format="json")
    assert response.status_code == 200, response.content
    assert alice.delete(f"/api/v1/documents/{ids[1]}/").status_code == 204
    alice.patch(f"/api/v1/documents/{loose}/", {"folder": second}, format="json")
    alice.patch(f"/api/v1/documents/{ids[2]}/", {"title": "renamed only"}, format="json")
    assert _stored_counts() == {first: 2, second: 2}
    Document.objects.bulk_create(
        Document(title=f"bulk {n}", folder_id=second, owner=users["alice"]) for n in range(5)
    )
    Document.objects.filter(pk=ids[1]).update(is_deleted=False, folder_id=second)  # restored
    Document.objects.filter(folder_id=first, is_deleted=False).update(folder_id=None)
    assert _stored_counts() == _actual_counts() == {first: 0, second: 8}


def test_rebuild_recounts_and_the_triggers_are_installed(alice: APIClient) -> None:
    folder = make_folder(alice, "Recounted")
    for n in range(3):
        make_document(alice, f"doc {n}", folder)
    FolderCount.objects.filter(folder_id=folder).update(live_documents=99)
    counts.rebuild(connection)
    assert _stored_counts() == _actual_counts() == {folder: 3}
    assert counts.installed(connection) == {
        "repository_folder_count_rows",
        "repository_document_count_insert",
        "repository_document_count_update",
        "repository_document_count_delete",
    }


def test_list_count_through_the_api_matches_what_the_pages_hold(
    alice: APIClient, client_for: Callable[[str], APIClient]
) -> None:
    bob = client_for("bob")
    shared = make_folder(alice, "Shared")
    private = make_folder(alice, "Private")
    grant(alice, "folders", shared, entry("user:bob", "view"))
    for n in range(7):
        make_document(alice, f"shared {n}", shared)
    hidden = [make_document(alice, f"private {n}", private) for n in range(3)]
    grant(alice, "documents", hidden[0], entry("user:bob", "view"))
    make_document(bob, "bob's own")
    seen: list[int] = []
    url: str | None = "/api/v1/documents/?page_size=3"
    while url:
        body = bob.get(url).json()
        assert body["count"] == 9
        seen += [item["id"] for item in body["results"]]
        url = body["next"]
    assert len(seen) == len(set(seen)) == 9
    assert hidden[0] in seen and not set(hidden[1:]) & set(seen)
    in_private = bob.get(f"/api/v1/documents/?folder={private}").json()
    assert in_private["count"] == 1 and in_private["results"][0]["id"] == hidden[0]
    assert alice.get("/api/v1/documents/").json()["count"] == 10
    assert client_for("admin").get("/api/v1/documents/").json()["count"] == 11


@pytest.mark.embedded_only
def test_sqlite_gets_its_triggers_back_after_a_migration(alice: APIClient) -> None:
    """A migration that rebuilds a SQLite table drops its triggers; post_migrate restores them
    and recounts what was written without them."""
    folder = make_folder(alice, "Counted")
    counts.TRIGGERS.uninstall(connection)
    assert counts.installed(connection) == set()
    make_document(alice, "uncounted", folder)
    assert _stored_counts()[folder] == 0
    counts.reinstall_after_migrate(sender=None, using=connection.alias)
    assert len(counts.installed(connection)) == 4
    assert _stored_counts() == _actual_counts()
    assert _stored_counts()[folder] == 1
