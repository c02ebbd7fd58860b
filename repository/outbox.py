"""The search outbox: which documents' index records changed, written in the change's transaction.

Whatever changes what a document's record holds (its fields, its text, its links, the ACL or
folder tree above it) calls `document_changed()` / `documents_changed()` inside its transaction;
a rollback takes the rows with it. Search, a layer above, drains the rows (`search.indexer`) and
registers at start-up what to run once a transaction that queued rows commits
(`when_queued`), so that nothing below search imports it.
"""

from collections.abc import Callable, Iterable

from django.db import transaction

from repository.models import IndexOutbox

_listeners: list[Callable[[], None]] = []


def when_queued(listener: Callable[[], None]) -> None:
    """Run `listener` after each commit of a transaction that queued rows (search's drain)."""
    if listener not in _listeners:
        _listeners.append(listener)


def documents_changed(document_ids: Iterable[int]) -> None:
    """Queue a (re)index of the documents, in the caller's transaction."""
    ids = list(dict.fromkeys(int(document_id) for document_id in document_ids))
    if not ids:
        return
    IndexOutbox.objects.bulk_create([IndexOutbox(document_id=i) for i in ids], batch_size=500)
    for listener in _listeners:
        transaction.on_commit(listener)


def document_changed(document_id: int) -> None:
    """Queue a (re)index of one document, in the caller's transaction."""
    documents_changed([document_id])
