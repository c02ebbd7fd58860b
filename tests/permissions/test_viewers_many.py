"""`viewers_of_many`: the batched search terms agree with `viewers_of`, document by document."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from permissions.selectors import viewers_of, viewers_of_many
from repository.models import Document
from tests.permissions.acl_helpers import make_document, varied_documents


def test_batched_terms_equal_viewers_of_for_every_document(
    alice: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Each document gets exactly the terms `viewers_of` computes for it alone."""
    documents = varied_documents(alice, client_for, users)
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
    documents = varied_documents(alice, client_for, users)
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
