"""Object access for views: invisible answers 404, visible-but-not-allowed answers 403.

Every refusal is an `access_denied` audit event (object, permission, reason), also for a 404 on
a document or folder that exists but is invisible to the caller. `record()` commits in its own
transaction (requests are not atomic), so the event stays although the view then raises.
"""

from typing import Any

from audit.record import RequestContext, context_from, record
from core.errors import Forbidden, NotFound
from permissions.codes import Permission
from permissions.middleware import current_request
from permissions.principals import has_role, is_admin
from permissions.review import reviewed_versions
from permissions.selectors import can, can_on_folder, documents_for, folders_for
from repository.models import Document, Folder

MAX_ID = 2**63 - 1


def _context(user: Any) -> RequestContext:
    request = current_request.get()
    if request is None:
        return RequestContext(user=user)
    return context_from(request, user)


def record_refusal(
    user: Any, *, object_type: str, object_id: Any, permission: str, reason: str
) -> None:
    record(
        _context(user),
        "access_denied",
        object_type=object_type,
        object_id=object_id,
        details={"permission": permission, "reason": reason},
    )


def _as_id(pk: Any) -> int | None:
    try:
        value = int(pk)
    except (TypeError, ValueError):
        return None
    return value if 0 < value <= MAX_ID else None


def get_document(
    user: Any, pk: Any, permission: str = Permission.VIEW, *, message: str | None = None
) -> Any:
    """The document if the user may see it (else 404) and holds `permission` (else 403,
    saying `message` when given)."""
    document_id = _as_id(pk)
    if document_id is None:
        raise NotFound()
    document = (
        documents_for(user)
        .select_related("owner", "locked_by", "document_type", "current_version")
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        if Document.objects.filter(pk=document_id, is_deleted=False).exists():
            record_refusal(
                user,
                object_type="document",
                object_id=document_id,
                permission=Permission.VIEW,
                reason="not_visible",
            )
        raise NotFound()
    if permission != Permission.VIEW and not can(user, permission, document):
        record_refusal(
            user,
            object_type="document",
            object_id=document_id,
            permission=permission,
            reason="missing_permission",
        )
        raise Forbidden(
            message or f"You do not have the '{permission}' permission on this document.",
            code="permission_denied",
        )
    return document


def require_version(user: Any, document: Any, version: Any, permission: str) -> None:
    """403 when `user` reaches the document only as an approver (`permissions.review`) and
    `version` is not the one under review."""
    allowed = reviewed_versions(user, document, permission)
    if allowed is None or version.pk in allowed:
        return
    record_refusal(
        user,
        object_type="document",
        object_id=document.pk,
        permission=permission,
        reason="not_the_version_under_review",
    )
    raise Forbidden(
        "As an approver you may open only the version under review.", code="permission_denied"
    )


def versions_visible_to(user: Any, document: Any) -> Any:
    """The document's versions `user` may list: all, or for an approver reaching it only
    through a review the version under review."""
    versions = document.versions.all()
    allowed = reviewed_versions(user, document, Permission.VIEW)
    return versions if allowed is None else versions.filter(pk__in=allowed)


def get_folder(
    user: Any,
    pk: Any,
    *,
    manage: bool = False,
    permission: str | None = None,
    message: str | None = None,
) -> Any:
    """The folder if the user may view it (else 404) and holds `permission` (else 403, saying
    `message` when given).

    `manage=True` (editing it: rename) asks for `edit` on the folder; moving and filing into
    folders follow `repository.services.moves`.
    """
    folder_id = _as_id(pk)
    if folder_id is None:
        raise NotFound()
    folder = folders_for(user).filter(pk=folder_id).first()
    if folder is None:
        if Folder.objects.filter(pk=folder_id).exists():
            record_refusal(
                user,
                object_type="folder",
                object_id=folder_id,
                permission=Permission.VIEW,
                reason="not_visible",
            )
        raise NotFound()
    needed = permission or (Permission.EDIT if manage else Permission.VIEW)
    if needed != Permission.VIEW:
        _require_on_folder(
            user,
            folder,
            needed,
            message or f"You do not have the '{needed}' permission on this folder.",
        )
    return folder


def folder_not_found(folder_id: Any) -> NotFound:
    """The one answer for a folder named in a request body that is missing or out of sight."""
    return NotFound(f"No folder {folder_id} that you can see.", code="not_found")


def require_folder_edit(user: Any, folder: Any) -> None:
    """Filing into a folder (an upload, a new sub-folder, a move) needs `edit` on it.

    A folder the user cannot see answers 404 like a missing one (the refusal is recorded).
    """
    if folder is None:
        return
    if not folders_for(user).filter(pk=folder.pk).exists():
        record_refusal(
            user,
            object_type="folder",
            object_id=folder.pk,
            permission=Permission.VIEW,
            reason="not_visible",
        )
        raise folder_not_found(folder.pk)
    _require_on_folder(
        user, folder, Permission.EDIT, f"You may not add anything to the folder '{folder.name}'."
    )


def _require_on_folder(user: Any, folder: Any, permission: str, message: str) -> None:
    """403 (the refusal recorded) unless `user` holds `permission` on the folder."""
    if can_on_folder(user, permission, folder):
        return
    record_refusal(
        user,
        object_type="folder",
        object_id=folder.pk,
        permission=permission,
        reason="missing_permission",
    )
    raise Forbidden(message, code="permission_denied")


def require_admin(user: Any) -> None:
    if not is_admin(user):
        record_refusal(user, object_type="", object_id="", permission="admin", reason="not_admin")
        raise Forbidden("Administrators only.", code="admin_only")


def require_records_manager(user: Any) -> None:
    """Records managers (`role:records_manager`) and administrators."""
    if not has_role(user, "records_manager"):
        record_refusal(
            user,
            object_type="",
            object_id="",
            permission="records_manager",
            reason="not_records_manager",
        )
        raise Forbidden("Records managers and administrators only.", code="records_manager_only")
