"""Folder tree use cases. Moving a folder follows `repository.services.moves`.

Renaming or moving a folder needs `edit` on it, deleting it `delete`; each use case checks that
itself before its transaction opens, so a refusal's audit event stays.
"""

from typing import Any

from django.db import IntegrityError, connection, transaction

from audit.record import RequestContext, record
from core.errors import Conflict
from core.text import require_valid_text
from permissions import tree
from permissions.access import get_folder
from permissions.codes import Permission
from permissions.models import FolderAncestor
from repository.models import Folder
from repository.services.holds import ensure_not_held
from repository.services.moves import ensure_may_file_into, ensure_may_move, is_move

# Folder moves take one lock in turn: two folders moved into each other at once would otherwise
# each pass the cycle check before the other's move commits. SQLite transactions begin
# IMMEDIATE, so there writers already take turns.
FOLDER_MOVE_LOCK = 0x4B4F4E54


def _serialize_folder_moves() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLDER_MOVE_LOCK])


def _ensure_no_cycle(folder: Folder, parent: Folder | None) -> None:
    """Refuse a move under the folder itself or anything below it, as the tree stands now."""
    if parent is not None and (
        FolderAncestor.objects.filter(folder_id=parent.pk, ancestor_id=folder.pk).exists()
    ):
        raise Conflict("A folder cannot move inside itself.", code="folder_cycle")


def create_folder(*, context: RequestContext, name: str, parent: Folder | None) -> Folder:
    require_valid_text(name=name)
    ensure_may_file_into(context.user, parent)
    try:
        with transaction.atomic():
            folder = Folder.objects.create(name=name, parent=parent, owner=context.user)
            tree.folder_created(folder)
            record(
                context,
                "folder.create",
                object_type="folder",
                object_id=folder.pk,
                details={"name": name, "parent": parent.pk if parent else None},
            )
    except IntegrityError as error:
        raise Conflict(
            "A folder of that name exists here already.", code="duplicate_name"
        ) from error
    return folder


def _moves(folder: Folder, changes: dict[str, Any]) -> bool:
    return "parent" in changes and is_move(folder.parent_id, changes["parent"])


def update_folder(*, context: RequestContext, folder: Folder, changes: dict[str, Any]) -> Folder:
    """Rename and/or move; a new `parent` is a move."""
    get_folder(context.user, folder.pk, manage=True)
    require_valid_text(**{key: changes[key] for key in ("name",) if key in changes})
    checked_move = _moves(folder, changes)
    if checked_move:
        ensure_may_move(context.user, folder, changes["parent"])
    try:
        with transaction.atomic():
            if checked_move:
                _serialize_folder_moves()  # before any row lock: a mover holding one waits here
            folder = Folder.objects.select_for_update().get(pk=folder.pk)
            details = {
                key: (value.pk if hasattr(value, "pk") else value) for key, value in changes.items()
            }
            moving = _moves(folder, changes)
            if moving:
                if not checked_move:
                    raise Conflict("The folder moved meanwhile; try again.", code="stale")
                _ensure_no_cycle(folder, changes["parent"])
                ensure_not_held(folder)
                details["moved"] = {"from": folder.parent_id, "to": details["parent"]}
            for name in ("name", "parent"):
                if name in changes:
                    setattr(folder, name, changes[name])
            folder.save()
            if moving:
                tree.folder_moved(folder)
            record(
                context, "folder.update", object_type="folder", object_id=folder.pk, details=details
            )
    except IntegrityError as error:
        raise Conflict(
            "A folder of that name exists here already.", code="duplicate_name"
        ) from error
    return folder


def delete_folder(*, context: RequestContext, folder: Folder) -> None:
    """Delete an empty folder that no hold covers."""
    get_folder(context.user, folder.pk, permission=Permission.DELETE)
    with transaction.atomic():
        ensure_not_held(folder)
        if folder.children.exists() or folder.documents.exists():
            raise Conflict(
                "The folder is not empty; move or delete its contents first.", code="not_empty"
            )
        record(context, "folder.delete", object_type="folder", object_id=folder.pk)
        folder.delete()
