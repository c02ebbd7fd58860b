"""`viewers_of_many`: the batched search terms agree with `viewers_of`, document by document."""

from collections.abc import Callable

from django.contrib.auth.models import Group, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from permissions.selectors import viewers_of, viewers_of_many
from repository.models import Document
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder, put_acl


def _varied_documents(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> list[Document]:
    """Folders with allows, denies and `inherit: false`; a document ACL; owner rights off."""
    admin = client_for("admin")
    carol = User.objects.create_user("carol", password="carol-pass-1")
    Group.objects.get(name="sales").user_set.add(carol)
    top = make_folder(alice, "Top")
    cut = make_folder(alice, "Cut", top)  # carol denied: sales is stored member by member
    closed = make_folder(alice, "Closed", top)  # inherit: false, bob only
    regranted = make_folder(alice, "Regranted", cut)  # an allow nearer than the deny
    grant(
        alice, "folders", top, entry("group:sales", "view"), entry("role:records_manager", "view")
    )
    grant(alice, "folders", cut, entry("user:carol", "view", effect="deny"))
    grant(alice, "folders", closed, entry("user:bob", "view"), inherit=False)
    grant(alice, "folders", regranted, entry("everyone", "view"))
    ids = [make_document(alice, f"root {n}") for n in range(2)]
    for folder in (top, cut, closed, regranted):
        ids += [make_document(alice, f"in {folder} #{n}", folder) for n in range(3)]
    own_acl, no_owner_rights, own_deny = ids[2], ids[5], ids[6]
    grant(alice, "documents", own_acl, entry("user:bob", "view"), inherit=False)
    response = put_acl(admin, "documents", no_owner_rights, owner_rights=False)
    assert response.status_code == 200, response.content
    grant(alice, "documents", own_deny, entry("group:sales", "view", effect="deny"))
    Document.objects.filter(pk__in=[ids[3], ids[7], ids[8]]).update(owner=users["bob"])
    return list(Document.objects.filter(pk__in=ids).order_by("pk"))


def test_batched_terms_equal_viewers_of_for_every_document(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Each document gets exactly the terms `viewers_of` computes for it alone."""
    documents = _varied_documents(alice, client_for, users)
    expected = {document.pk: viewers_of(document) for document in documents}
    assert viewers_of_many(documents) == expected
    everything = {term for terms in expected.values() for term in terms}
    assert {"user:carol", "group:sales", "user:bob", "everyone"} <= everything
    # bob's document below the deny for carol: sales is stored member by member, carol cut out
    assert expected[documents[7].pk] == ["role:records_manager", "user:alice", "user:bob"]


def test_query_count_does_not_grow_with_plain_documents(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Documents without an ACL of their own cost no queries each: folders are resolved once."""
    documents = _varied_documents(alice, client_for, users)
    folder = documents[-1].folder_id
    with CaptureQueriesContext(connection) as few:
        viewers_of_many(documents)
    more = [make_document(alice, f"more {n}", folder) for n in range(10)]
    documents += list(Document.objects.filter(pk__in=more))
    with CaptureQueriesContext(connection) as many:
        result = viewers_of_many(documents)
    assert len(many) == len(few)
    assert all(result[document.pk] == viewers_of(document) for document in documents)


def test_no_documents_no_queries(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert viewers_of_many([]) == {}
    assert len(queries) == 0
