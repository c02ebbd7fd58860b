"""Search index terms: the batched terms agree with one-by-one terms, and read back by a
user's principals they keep exactly what `documents_for` lists."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from permissions.index_terms import index_terms, index_terms_many, search_access
from permissions.selectors import documents_for
from repository.models import Document
from tests.permissions.acl_helpers import make_document, varied_documents


def _kept(terms: list[str], user: User) -> bool:
    """What the engines do with `search_access(user)` (tantivy and Elasticsearch alike)."""
    access = search_access(user)
    if access is None:
        return True
    stored = set(terms)
    return any(
        stored.intersection(level.allow) and not stored.intersection(level.cut)
        for level in access.levels
    )


def test_batched_terms_equal_index_terms_for_every_document(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Each document gets exactly the terms `index_terms` computes for it alone."""
    documents = varied_documents(alice, client_for, users)
    expected = {document.pk: index_terms(document) for document in documents}
    assert index_terms_many(documents) == expected
    # bob's document below the deny for carol: sales and records managers are allowed two
    # folders up, carol (and bob, the owner, decided at level 0) are decided before that.
    assert expected[documents[7].pk] == [
        "allow0:user:bob",
        "allow3:group:sales",
        "allow3:role:records_manager",
        "cut3:user:bob",
        "cut3:user:carol",
    ]


def test_terms_keep_what_the_list_shows_for_users_old_and_new(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Users created or regrouped after the terms were computed are judged by the list's rule."""
    documents = varied_documents(alice, client_for, users)
    terms = index_terms_many(documents)
    dave = User.objects.create_user("dave", password="dave-pass-1")
    erin = User.objects.create_user("erin", password="erin-pass-1", is_active=False)
    users["bob"].groups.add(*users["alice"].groups.all())
    people = [*User.objects.all(), dave, erin]
    for user in people:
        listed = set(documents_for(user).values_list("pk", flat=True))
        kept = {document.pk for document in documents if _kept(terms[document.pk], user)}
        assert kept == listed & set(terms), user.username


def test_query_count_does_not_grow_with_plain_documents(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Documents without an ACL of their own cost no queries each: folders are resolved once."""
    documents = varied_documents(alice, client_for, users)
    folder = documents[-1].folder_id
    with CaptureQueriesContext(connection) as few:
        index_terms_many(documents)
    more = [make_document(alice, f"more {n}", folder) for n in range(10)]
    documents += list(Document.objects.filter(pk__in=more))
    with CaptureQueriesContext(connection) as many:
        result = index_terms_many(documents)
    assert len(many) == len(few)
    assert all(result[document.pk] == index_terms(document) for document in documents)


def test_no_documents_no_queries(db: None) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert index_terms_many([]) == {}
    assert len(queries) == 0
