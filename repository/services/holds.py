"""Legal holds: records managers place, list and lift them; nothing a hold covers moves or is
deleted.

A hold on a document covers that document; a hold on a folder covers the folder and everything
below it. Every path that moves, trashes or deletes asks one question, `holds_covering()`: is the
object held, or a folder above it, or (for a folder, which carries its contents along) anything
inside it?
"""

from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid, NotFound
from permissions.access import require_records_manager
from permissions.models import FolderAncestor
from repository.models import Document, Folder, HoldTarget, LegalHold


def holds_covering(target: Document | Folder) -> QuerySet[LegalHold]:
    """Active holds on `target` or a folder above it, and for a folder on anything below it."""
    if isinstance(target, Document):
        covering = Q(object_type=HoldTarget.DOCUMENT, object_id=target.pk)
        if target.folder_id is not None:
            covering |= _on_folder_or_above(target.folder_id)
    else:
        below = FolderAncestor.objects.filter(ancestor_id=target.pk).values("folder_id")
        documents_below = Document.objects.filter(folder_id__in=below).values("pk")
        covering = (
            _on_folder_or_above(target.pk)
            | Q(object_type=HoldTarget.FOLDER, object_id__in=below)
            | Q(object_type=HoldTarget.DOCUMENT, object_id__in=documents_below)
        )
    return LegalHold.objects.filter(lifted_at__isnull=True).filter(covering)


def _on_folder_or_above(folder_id: int) -> Q:
    above = FolderAncestor.objects.filter(folder_id=folder_id).values("ancestor_id")
    return Q(object_type=HoldTarget.FOLDER, object_id=folder_id) | Q(
        object_type=HoldTarget.FOLDER, object_id__in=above
    )


def is_held(target: Document | Folder) -> bool:
    return bool(holds_covering(target).exists())


def ensure_not_held(target: Document | Folder) -> None:
    """Refuse (409 `legal_hold`) to move, trash or delete what a hold covers."""
    hold = holds_covering(target).order_by("id").first()
    if hold is None:
        return
    if isinstance(target, Document):
        detail = "The document is under legal hold: it cannot be moved, trashed or deleted."
    else:
        detail = (
            "The folder, a folder above it or something inside it is under legal hold: "
            "it cannot be moved or deleted."
        )
    raise Conflict(detail, "legal_hold", hold=hold.pk)


def _target_exists(object_type: str, object_id: int) -> bool:
    model = Document if object_type == HoldTarget.DOCUMENT else Folder
    return bool(model.objects.filter(pk=object_id).exists())


def list_holds(
    *,
    actor: Any,
    is_active: bool | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
) -> QuerySet[LegalHold]:
    """Every hold, lifted ones too (records managers only), newest first."""
    require_records_manager(actor)
    found = LegalHold.objects.select_related("placed_by", "lifted_by")
    if is_active is not None:
        found = found.filter(lifted_at__isnull=is_active)
    if object_type:
        found = found.filter(object_type=object_type)
    if object_id is not None:
        found = found.filter(object_id=object_id)
    return found


def get_hold(*, actor: Any, hold_id: int) -> LegalHold:
    """One hold (records managers only); 404 when there is none."""
    require_records_manager(actor)
    hold = LegalHold.objects.select_related("placed_by", "lifted_by").filter(pk=hold_id).first()
    if hold is None:
        raise NotFound()
    return hold


def freeze_holds() -> None:
    """Until the current transaction ends, no hold is placed or lifted: a check of the holds
    made after this stands until commit (erasing personal data asks it, and a hold placed at
    the same moment must not slip past). PostgreSQL: a table lock that conflicts with inserts
    and updates of holds but not with reads; SQLite: its transactions take the write lock at
    BEGIN (IMMEDIATE), so writers already run one at a time."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = connection.ops.quote_name(LegalHold._meta.db_table)
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


def place_hold(
    *, context: RequestContext, object_type: str, object_id: int, reason: str
) -> LegalHold:
    require_records_manager(context.user)
    if not _target_exists(object_type, object_id):
        raise Invalid({"object_id": [f"No {object_type} {object_id}."]}, code="not_found")
    with transaction.atomic():
        hold = LegalHold.objects.create(
            object_type=object_type, object_id=object_id, reason=reason, placed_by=context.user
        )
        record(
            context,
            "hold.place",
            object_type=object_type,
            object_id=object_id,
            details={"hold": hold.pk, "reason": reason},
        )
    return hold


def lift_hold(*, context: RequestContext, hold: LegalHold) -> LegalHold:
    """Lift the hold: it stays listed, with who lifted it and when."""
    require_records_manager(context.user)
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.lifted_at is not None:
            raise Conflict("The hold is already lifted.", code="already_lifted")
        hold.lifted_at = timezone.now()
        hold.lifted_by = context.user
        hold.save(update_fields=["lifted_at", "lifted_by"])
        record(
            context,
            "hold.lift",
            object_type=hold.object_type,
            object_id=hold.object_id,
            details={"hold": hold.pk, "reason": hold.reason},
        )
    return hold
