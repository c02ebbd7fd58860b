"""The folder closure table (`FolderAncestor`): kept in step with the folder tree.

The repository's folder services call `folder_created()` / `folder_moved()`; ACL changes call
`folder_inheritance_changed()`. Each rebuilds the closure rows of the folders concerned from the
parent pointers in one pass (folders are few next to documents, so this Python is per folder
changed, never per document or per request).
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from permissions.models import AccessControlList, FolderAncestor
from repository.models import Document, Folder
from repository.outbox import documents_changed


def subtree_ids(folder_id: int) -> list[int]:
    """The folder and every folder below it (from the closure)."""
    ids = set(
        FolderAncestor.objects.filter(ancestor_id=folder_id).values_list("folder_id", flat=True)
    )
    ids.add(folder_id)
    return sorted(ids)


def _rows_for(folder_ids: Iterable[int]) -> list[FolderAncestor]:
    parents = dict(Folder.objects.values_list("pk", "parent_id"))
    no_inherit = set(
        AccessControlList.objects.filter(folder__isnull=False, inherit=False).values_list(
            "folder_id", flat=True
        )
    )
    rows: list[FolderAncestor] = []
    for folder_id in folder_ids:
        node: int | None = folder_id
        depth = 0
        inherited = True
        seen: set[int] = set()
        while node is not None and node not in seen:
            seen.add(node)
            rows.append(
                FolderAncestor(
                    folder_id=folder_id, ancestor_id=node, depth=depth, is_inherited=inherited
                )
            )
            # Entries above `node` reach `folder_id` only if `node` inherits.
            inherited = inherited and node not in no_inherit
            node = parents.get(node)
            depth += 1
    return rows


def rebuild(folder_ids: Iterable[int] | None = None) -> int:
    """Rewrite the closure rows of these folders (all folders when None); returns rows written."""
    with transaction.atomic():
        if folder_ids is None:
            FolderAncestor.objects.all().delete()
            ids: list[int] = list(Folder.objects.values_list("pk", flat=True))
        else:
            ids = sorted(set(folder_ids))
            FolderAncestor.objects.filter(folder_id__in=ids).delete()
        rows = _rows_for(ids)
        FolderAncestor.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def folder_created(folder: Any) -> None:
    rebuild([folder.pk])


def folder_moved(folder: Any) -> None:
    """After a folder's parent changed: its whole subtree gets new ancestors."""
    rebuild(subtree_ids(folder.pk))
    _notify_subtree(folder.pk)


def folder_inheritance_changed(folder: Any) -> None:
    rebuild(subtree_ids(folder.pk))


def documents_below(folder_id: int) -> Any:
    """Ids of the documents in the folder or anywhere below it (a queryset)."""
    return Document.objects.filter(folder__ancestor_links__ancestor_id=folder_id).values_list(
        "pk", flat=True
    )


def _notify_subtree(folder_id: int) -> None:
    documents_changed(list(documents_below(folder_id)))
