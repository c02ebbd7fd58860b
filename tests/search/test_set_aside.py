"""The indexer fails one document at a time: a document it cannot index is set aside with the
reason (`search_check`, `/healthz`), the rest of its batch goes in, and the next successful
index of that document clears it."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from rest_framework.test import APIClient

from repository.models import Document, IndexOutbox
from repository.outbox import document_changed, documents_changed
from tests.conftest import wait_for
from tests.helpers import upload
from tests.search.test_search_api import found, ids, search


def _set_aside() -> dict[int, str]:
    rows = IndexOutbox.objects.filter(set_aside_at__isnull=False)
    return dict(rows.values_list("document_id", "last_error"))


def _search_check() -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command("search_check", stdout=out)
    except CommandError:
        return False, out.getvalue()
    return True, out.getvalue()


def _nest_metadata_beyond_python(document_id: int) -> None:
    """Metadata nested deeper than Python reads (its decoder or the record's walk through the
    values stops near 1,000 levels; SQLite stores up to 1,000), written with SQL as a row
    stored before input was validated could be: the API refuses such metadata now."""
    value = '{"k": ' + "[" * 990 + "]" * 990 + "}"
    table = connection.ops.quote_name(Document._meta.db_table)
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET metadata = %s{cast} WHERE id = %s",  # noqa: S608
            [value, document_id],
        )


def _share_with_bob(client: APIClient, document_id: int, *, allow: bool) -> None:
    entries = (
        [{"principal": "user:bob", "permissions": ["view"], "effect": "allow"}] if allow else []
    )
    response = client.put(
        f"/api/v1/documents/{document_id}/acl/",
        {"inherit": True, "entries": entries},
        format="json",
    )
    assert response.status_code == 200, response.content


def test_an_unreadable_document_is_set_aside_and_a_revoked_grant_still_reaches_search(
    alice: APIClient, bob: APIClient
) -> None:
    """A document whose record cannot be built shares a batch with ACL changes: before, the
    whole batch failed for good and bob kept finding, counting and faceting the documents he
    lost. The unreadable metadata simulates a row written before validation existed; the
    document that cannot be indexed is withdrawn, since its old entry still names bob."""
    shared = upload(alice, b"marmot survey", "m.txt", tags="fauna").json()["id"]
    broken = upload(alice, b"beaver census", "b.txt", tags="fauna").json()["id"]
    _share_with_bob(alice, shared, allow=True)
    _share_with_bob(alice, broken, allow=True)
    assert found(bob, "marmot")["facets"]["tags"] == {"fauna": 1}
    assert found(bob, "", 2, tag="fauna")["facets"]["tags"] == {"fauna": 2}

    with transaction.atomic():  # one batch: every row commits together
        _share_with_bob(alice, shared, allow=False)
        _share_with_bob(alice, broken, allow=False)
        _nest_metadata_beyond_python(broken)

    body = found(bob, "marmot", 0)
    assert body["facets"] == {"document_type": {}, "status": {}, "tags": {}}
    assert search(bob, "", tag="fauna")["count"] == 0
    assert search(bob, "beaver")["count"] == 0
    assert ids(found(alice, "marmot")) == {shared}
    found(alice, "beaver", 0)  # withdrawn until it can be indexed again
    reasons = wait_for(_set_aside)
    assert list(reasons) == [broken] and "RecursionError" in reasons[broken]
    assert not IndexOutbox.objects.filter(set_aside_at__isnull=True).exists()
    assert alice.get("/healthz").json()["search"]["set_aside"] == 1
    assert alice.get("/healthz").json()["search"]["outbox_lag"] == 0
    clean, report = _search_check()
    assert not clean
    assert f"set-aside\tdocument {broken} since " in report and "RecursionError" in report

    # A later change that indexes the document clears what was set aside.
    with transaction.atomic():
        Document.objects.filter(pk=broken).update(metadata={"repaired": "otter"})
        document_changed(broken)
    wait_for(lambda: not IndexOutbox.objects.exists())
    assert ids(found(alice, "otter")) == {broken}
    assert search(bob, "otter")["count"] == 0
    assert alice.get("/healthz").json()["search"]["set_aside"] == 0
    assert _search_check()[0]


@pytest.mark.embedded_only
def test_a_document_the_engine_refuses_is_set_aside_and_the_batch_goes_in(
    users: dict[str, User], alice: APIClient
) -> None:
    """The issue's row: metadata with an unpaired surrogate, which SQLite stores (escaped in
    its JSON) but tantivy refuses. Written with the ORM as before validation existed;
    PostgreSQL refuses to store it at all, hence embedded mode only."""
    with transaction.atomic():
        poisoned = Document.objects.create(
            title="heron", metadata={"k": "\ud800"}, owner=users["alice"]
        )
        fine = Document.objects.create(title="heron too", owner=users["alice"])
        documents_changed([poisoned.pk, fine.pk])
    assert ids(found(alice, "heron")) == {fine.pk}
    reasons = wait_for(_set_aside)
    assert list(reasons) == [poisoned.pk] and "\\ud800" in reasons[poisoned.pk]

    # Changed again but still refused: one set-aside row per document, with the new reason.
    with transaction.atomic():
        Document.objects.filter(pk=poisoned.pk).update(metadata={"k": "\udfff"})
        document_changed(poisoned.pk)
    wait_for(lambda: "\\udfff" in _set_aside().get(poisoned.pk, ""))
    assert IndexOutbox.objects.count() == 1

    response = alice.patch(
        f"/api/v1/documents/{poisoned.pk}/", {"metadata": {"k": "fine"}}, format="json"
    )
    assert response.status_code == 200
    wait_for(lambda: not IndexOutbox.objects.exists())
    assert ids(found(alice, "heron", 2)) == {poisoned.pk, fine.pk}
    assert _search_check()[0]


def test_reindex_sets_an_unreadable_document_aside_and_finishes(
    alice: APIClient,
) -> None:
    """The rebuild goes on past a document it cannot read (a row stored before validation)."""
    kept = upload(alice, b"ibis notes", "i.txt").json()["id"]
    broken = upload(alice, b"ibis draft", "j.txt").json()["id"]
    found(alice, "ibis", 2)
    _nest_metadata_beyond_python(broken)
    call_command("reindex", "--batch-size", "10", "--no-progress", stdout=io.StringIO())
    assert ids(found(alice, "ibis")) == {kept}
    assert list(_set_aside()) == [broken]
