"""Legal holds: records managers place and lift them; held documents cannot be deleted."""

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from rest_framework import exceptions

from audit.models import HoldTarget, LegalHold
from audit.services import RequestContext, record
from config.api import Conflict, api_error


def active_holds_on(document: Any) -> Any:
    """Active holds on the document or on any folder above it (a queryset)."""
    from permissions.models import FolderAncestor

    above = FolderAncestor.objects.filter(folder_id=document.folder_id).values("ancestor_id")
    on_document = Q(object_type=HoldTarget.DOCUMENT, object_id=document.pk)
    on_folders = Q(object_type=HoldTarget.FOLDER, object_id__in=above)
    return LegalHold.objects.filter(lifted_at__isnull=True).filter(on_document | on_folders)


def is_held(document: Any) -> bool:
    return bool(active_holds_on(document).exists())


def ensure_not_held(document: Any) -> None:
    """Refuse (409 `legal_hold`) to delete a held document or remove any of its versions."""
    hold = active_holds_on(document).order_by("id").first()
    if hold is not None:
        raise api_error(
            409,
            "The document is under legal hold; it cannot be deleted.",
            "legal_hold",
            hold=hold.pk,
        )


def ensure_folder_not_held(folder: Any) -> None:
    from permissions.models import FolderAncestor

    above = FolderAncestor.objects.filter(folder_id=folder.pk).values("ancestor_id")
    held = LegalHold.objects.filter(
        lifted_at__isnull=True, object_type=HoldTarget.FOLDER, object_id__in=above
    ).exists()
    if held:
        raise api_error(409, "The folder is under legal hold.", "legal_hold")


def _target_exists(object_type: str, object_id: int) -> bool:
    from repository.models import Document, Folder

    model = Document if object_type == HoldTarget.DOCUMENT else Folder
    return bool(model.objects.filter(pk=object_id).exists())


def place_hold(
    *, context: RequestContext, object_type: str, object_id: int, reason: str
) -> LegalHold:
    if not _target_exists(object_type, object_id):
        raise exceptions.ValidationError(
            {"object_id": [f"No {object_type} {object_id}."]}, code="not_found"
        )
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
