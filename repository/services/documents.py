"""Use cases on documents: create, edit, trash, lock. Each is atomic and audited.

Each checks the acting user's permission on the document itself (`edit`, `delete`) before its
transaction opens, so a refusal's audit event stays: a caller that only looked the document up
(`permissions.access.get_document`) meets the same rule as the API.
"""

from dataclasses import dataclass, field
from typing import Any

import jsonschema
from django.db import transaction
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid
from core.text import require_valid_text
from permissions.access import get_document
from permissions.codes import Permission
from permissions.principals import is_admin
from permissions.selectors import documents_for
from repository.models import (
    Document,
    DocumentStatus,
    DocumentType,
    Folder,
    Tag,
    TextStatus,
    Version,
)
from repository.near_duplicates import near_duplicates
from repository.outbox import document_changed
from repository.services.holds import ensure_not_held
from repository.services.moves import ensure_may_file_into, ensure_may_move, is_move
from repository.services.uploads import CheckedUpload, check_upload, store_checked
from repository.status import change_status
from repository.tasks import inline_text, queue_text_extraction
from repository.text_signatures import remember_text


class OnDuplicate:
    WARN = "warn"
    REJECT = "reject"
    ALLOW = "allow"
    CHOICES = (WARN, REJECT, ALLOW)


@dataclass
class Created:
    document: Document
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def exact_duplicates(user: Any, sha256: str, *, exclude: int | None = None) -> list[dict[str, Any]]:
    """Documents the user may view whose current version has these exact bytes."""
    # Most uploads are new bytes: one indexed lookup answers those without the ACL query.
    if not Version.objects.filter(sha256=sha256).exists():
        return []
    matches = documents_for(user).filter(current_version__sha256=sha256)
    if exclude is not None:
        matches = matches.exclude(pk=exclude)
    return [
        {"document": pk, "kind": "exact", "similarity": 1.0}
        for pk in matches.order_by("pk").values_list("pk", flat=True)[:50]
    ]


def validate_metadata(document_type: DocumentType | None, metadata: Any) -> dict[str, Any]:
    if not isinstance(metadata, dict):
        raise Invalid({"metadata": ["Metadata must be a JSON object."]})
    if document_type is not None and document_type.metadata_schema:
        try:
            jsonschema.validate(metadata, document_type.metadata_schema)
        except jsonschema.ValidationError as error:
            raise Invalid(
                {"metadata": [f"Does not match type '{document_type.slug}': {error.message}"]}
            ) from error
    return metadata


def set_tags(document: Document, names: list[str]) -> None:
    tags = [Tag.objects.get_or_create(name=name)[0] for name in dict.fromkeys(names)]
    document.tags.set(tags)


def create_document(
    *,
    context: RequestContext,
    upload: Any,
    title: str = "",
    folder: Folder | None = None,
    document_type: DocumentType | None = None,
    tags: list[str] | None = None,
    metadata: dict[str, Any] | None = None,
    on_duplicate: str = OnDuplicate.WARN,
) -> Created:
    """Store the bytes, then write the document, its first version and the audit event."""
    require_valid_text(title=title, tags=tags or [], metadata=metadata or {})
    ensure_may_file_into(context.user, folder)
    checked = check_upload(upload)
    metadata = validate_metadata(document_type, metadata or {})
    duplicates = exact_duplicates(context.user, checked.sha256)
    if duplicates and on_duplicate == OnDuplicate.REJECT:
        raise Conflict(
            "An identical document already exists.",
            "duplicate",
            duplicate_of=duplicates[0]["document"],
        )
    text = _read_text_now(checked)  # before storing: a blob folder takes the file over
    store_checked(checked)
    with transaction.atomic():
        document = Document.objects.create(
            title=title or checked.filename,
            folder=folder,
            document_type=document_type,
            metadata=metadata,
            owner=context.user,
        )
        set_tags(document, tags or [])
        _write_version(document, checked, context, comment="", text=text)
        record(
            context,
            "document.create",
            object_type="document",
            object_id=document.pk,
            details={
                "title": document.title,
                "sha256": checked.sha256,
                "size": checked.size,
                "filename": checked.filename,
                "duplicates": [d["document"] for d in duplicates],
            },
        )
        document_changed(document.pk)
    if on_duplicate == OnDuplicate.ALLOW:
        return Created(document, [])
    # The text is signed by now when it was read during the upload (or, in embedded mode,
    # right after the commit); otherwise the worker signs it later and only
    # `GET /documents/{id}/duplicates/` reports its near duplicates.
    near = near_duplicates(
        context.user,
        document.current_version_id,
        exclude=[duplicate["document"] for duplicate in duplicates],
    )
    return Created(document, duplicates + near)


def _read_text_now(checked: CheckedUpload) -> dict[str, str] | None:
    """A small file's text, read before the transaction opens (None: the worker reads it)."""
    return inline_text(checked.file.temporary_file_path(), checked.mime_type, checked.size)


def _write_version(
    document: Document,
    checked: CheckedUpload,
    context: RequestContext,
    *,
    comment: str,
    text: dict[str, str] | None,
) -> Version:
    """The next version, with its text when it was read already, else queued for the worker."""
    last = document.versions.order_by("-number").values_list("number", flat=True).first()
    version = Version.objects.create(
        document=document,
        number=(last or 0) + 1,
        filename=checked.filename,
        size=checked.size,
        mime_type=checked.mime_type,
        sha256=checked.sha256,
        comment=comment,
        created_by=context.user,
        **(text or {}),
    )
    if text is None:
        queue_text_extraction(version.pk)
    elif text["text_status"] == TextStatus.DONE:
        remember_text(version_id=version.pk, document_id=document.pk, text=text["text"])
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    return version


def lock_for_update(document: Document) -> Document:
    return Document.objects.select_for_update().get(pk=document.pk)


def ensure_not_locked_by_other(document: Document, user: Any) -> None:
    if document.locked_by is not None and document.locked_by_id != user.pk:
        holder = document.locked_by.get_username()
        raise Conflict(f"The document is locked by {holder}.", "locked", locked_by=holder)


def ensure_not_in_review(document: Document, doing: str) -> None:
    """A document in an approval route keeps the version, place and life its approvers see."""
    if document.status == DocumentStatus.IN_REVIEW:
        raise Conflict(
            f"The document is in an active approval route: it cannot {doing} until the route "
            "ends or its submitter withdraws it.",
            code="in_review",
        )


def add_version(
    *, context: RequestContext, document: Document, upload: Any, comment: str = ""
) -> Version:
    get_document(context.user, document.pk, Permission.EDIT)
    require_valid_text(comment=comment)
    ensure_not_in_review(document, "take a new version")
    checked = check_upload(upload)
    ensure_not_locked_by_other(document, context.user)
    text = _read_text_now(checked)  # before storing: a blob folder takes the file over
    store_checked(checked)
    with transaction.atomic():
        document = lock_for_update(document)
        ensure_not_in_review(document, "take a new version")
        ensure_not_locked_by_other(document, context.user)
        version = _write_version(document, checked, context, comment=comment, text=text)
        if document.status == DocumentStatus.APPROVED:
            # The approved version stays as it was; the new one starts its review again.
            document = change_status(
                context=context,
                document=document,
                target=DocumentStatus.DRAFT,
                by="new_version",
                reason=f"version {version.number}",
            )
        record(
            context,
            "document.version",
            object_type="document",
            object_id=document.pk,
            details={"number": version.number, "sha256": checked.sha256, "size": checked.size},
        )
        document_changed(document.pk)
    return version


EDITABLE_FIELDS = ("title", "document_type", "folder", "tags", "metadata")


def _moves(document: Document, changes: dict[str, Any]) -> bool:
    return "folder" in changes and is_move(document.folder_id, changes["folder"])


def update_document(
    *, context: RequestContext, document: Document, changes: dict[str, Any]
) -> Document:
    """Edit fields; a new `folder` is a move (`repository.services.moves`)."""
    get_document(context.user, document.pk, Permission.EDIT)
    require_valid_text(
        **{name: changes[name] for name in ("title", "tags", "metadata") if name in changes}
    )
    checked_move = _moves(document, changes)
    if checked_move:
        ensure_may_move(context.user, document, changes["folder"])
    with transaction.atomic():
        document = lock_for_update(document)
        ensure_not_locked_by_other(document, context.user)
        details: dict[str, Any] = {}
        if _moves(document, changes):
            if not checked_move:
                raise Conflict("The document moved meanwhile; try again.", code="stale")
            ensure_not_in_review(document, "be moved")
            ensure_not_held(document)
            destination = changes["folder"]
            details["moved"] = {
                "from": document.folder_id,
                "to": destination.pk if destination is not None else None,
            }
        changed: dict[str, Any] = {}
        document_type = changes.get("document_type", document.document_type)
        if "metadata" in changes or "document_type" in changes:
            metadata = changes.get("metadata", document.metadata)
            changes["metadata"] = validate_metadata(document_type, metadata)
        for name in ("title", "document_type", "folder", "metadata"):
            if name in changes and getattr(document, name) != changes[name]:
                setattr(document, name, changes[name])
                value = changes[name]
                changed[name] = value.pk if hasattr(value, "pk") else value
        document.save()
        if "tags" in changes:
            before = sorted(document.tags.values_list("name", flat=True))
            set_tags(document, changes["tags"])
            if before != sorted(set(changes["tags"])):
                changed["tags"] = sorted(set(changes["tags"]))
        record(
            context,
            "document.update",
            object_type="document",
            object_id=document.pk,
            details={"changed": changed, **details},
        )
        document_changed(document.pk)
    return document


def delete_document(*, context: RequestContext, document: Document) -> None:
    """Soft delete: the document moves to the trash; versions and blobs stay."""
    get_document(context.user, document.pk, Permission.DELETE)
    with transaction.atomic():
        document = lock_for_update(document)
        ensure_not_locked_by_other(document, context.user)
        ensure_not_in_review(document, "be moved to the trash")
        ensure_not_held(document)
        document.is_deleted = True
        document.deleted_at = timezone.now()
        document.save(update_fields=["is_deleted", "deleted_at", "updated_at"])
        record(context, "document.delete", object_type="document", object_id=document.pk)
        document_changed(document.pk)


def lock_document(*, context: RequestContext, document: Document) -> Document:
    """Check out: the caller holds the lock until they release it (an administrator may)."""
    get_document(context.user, document.pk, Permission.EDIT)
    with transaction.atomic():
        document = lock_for_update(document)
        ensure_not_locked_by_other(document, context.user)
        if document.locked_by_id is None:
            document.locked_by = context.user
            document.locked_at = timezone.now()
            document.save(update_fields=["locked_by", "locked_at", "updated_at"])
            record(context, "document.lock", object_type="document", object_id=document.pk)
    return document


def unlock_document(*, context: RequestContext, document: Document) -> Document:
    """Release the lock; administrators release anyone's, others only their own."""
    get_document(context.user, document.pk, Permission.EDIT)
    force = is_admin(context.user)
    with transaction.atomic():
        document = lock_for_update(document)
        if document.locked_by_id is None:
            return document
        if not force:
            ensure_not_locked_by_other(document, context.user)
        holder = document.locked_by.get_username()  # type: ignore[union-attr]
        document.locked_by = None
        document.locked_at = None
        document.save(update_fields=["locked_by", "locked_at", "updated_at"])
        record(
            context,
            "document.unlock",
            object_type="document",
            object_id=document.pk,
            details={"holder": holder},
        )
    return document
