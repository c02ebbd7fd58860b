"""Who may move a document or a folder, or file something new into a folder.

A move needs `delete` on what moves (it leaves its place and everyone who could reach it
there) and `edit` on the destination (it joins what the destination shows, under that folder's
ACL): with `view` and `edit` alone a user could otherwise carry a document into a folder of
their own and grant themselves the rest. Moving to the root needs only `delete`: the root has
no ACL, so such a move takes inherited rights away and grants nobody anything. Filing something
new into a folder needs `edit` on it. A destination the user cannot see answers 404 like a
missing one.

These checks run before the service opens its transaction, so the recorded refusal stays.
Legal holds are checked inside it (`repository.services.holds.ensure_not_held`), after the
permissions, so only those who may move a thing learn that a hold keeps it in place.
"""

from typing import Any

from permissions.access import get_document, get_folder, require_folder_edit
from permissions.codes import Permission
from repository.models import Document, Folder


def ensure_may_file_into(user: Any, folder: Folder | None) -> None:
    require_folder_edit(user, folder)


def is_move(current_folder_id: int | None, destination: Folder | None) -> bool:
    return current_folder_id != (destination.pk if destination is not None else None)


def ensure_may_move(user: Any, target: Document | Folder, destination: Folder | None) -> None:
    if isinstance(target, Document):
        get_document(
            user,
            target.pk,
            Permission.DELETE,
            message="Moving a document needs the 'delete' permission on it.",
        )
    else:
        get_folder(
            user,
            target.pk,
            permission=Permission.DELETE,
            message="Moving a folder needs the 'delete' permission on it.",
        )
    ensure_may_file_into(user, destination)
