"""The search path re-checks its hits with the ACL selector: a stale index shows nothing."""

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from permissions.models import AccessControlEntry
from tests.helpers import upload
from tests.permissions.acl_helpers import entry, grant, make_folder
from tests.search.test_search_api import found, ids, search


def test_a_stale_index_entry_shows_no_document(
    alice: APIClient, bob: APIClient, users: dict[str, User]
) -> None:
    """The index still lists bob as a viewer after his grant went: the hit is dropped."""
    folder = make_folder(alice, "Shared")
    upload(alice, b"stale quokka note", "q.txt", folder=folder)
    grant(alice, "folders", folder, entry("user:bob", "view"))
    found(bob, "quokka")
    # Behind the index's back: no reindex follows this change.
    AccessControlEntry.objects.filter(folder_id=folder, principal="user:bob").delete()
    assert ids(search(bob, "quokka")) == set()
    assert len(ids(search(alice, "quokka"))) == 1
