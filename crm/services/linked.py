"""The documents linked to CRM records, and their reindex when what names the records changes:
the index holds each document with the names of the records it is linked to (`search.records`).
"""

from collections.abc import Iterable

from crm.models import NAME_FIELDS
from repository.models import DocumentLink
from repository.outbox import documents_changed


def linked_document_ids(pairs: Iterable[tuple[str, int]]) -> list[int]:
    """Every document linked to one of the (kind, id) records, whoever may see it."""
    ids: set[int] = set()
    for kind, record_id in pairs:
        links = DocumentLink.objects.filter(target_type=kind, target_id=record_id)
        ids.update(links.values_list("document_id", flat=True))
    return sorted(ids)


def reindex_if_renamed(entity: str, record_id: int, changed: Iterable[str]) -> None:
    """Queue the reindex of the record's documents when a field naming it changed (in the
    caller's transaction, so a rollback takes the queue rows with it)."""
    if set(changed) & set(NAME_FIELDS[entity]):
        documents_changed(linked_document_ids([(entity, record_id)]))
