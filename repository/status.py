"""The document status machine: every legal move in one table, and the one way to make a move.

API.md's lifecycle: `draft -> in_review -> approved | rejected`; `return` sends a document in
review back to `draft`, and so does the submitter's withdrawal; a new version of an approved
document starts again at `draft`; `archived` for records. Each move names who makes it (`by`);
`change_status` checks that the move, made by that one, is in the table, and the service that
calls it checks that its caller is that one (the lifecycle's routes, versions, records
management).
"""

from dataclasses import dataclass

from django.db import transaction

from audit.record import RequestContext, record
from core.errors import Conflict
from repository.models import Document, DocumentStatus
from repository.outbox import document_changed


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    by: str  # who makes the move: the condition its calling service checks


MOVES: tuple[Move, ...] = (
    Move(DocumentStatus.DRAFT, DocumentStatus.IN_REVIEW, by="submitter"),
    Move(DocumentStatus.IN_REVIEW, DocumentStatus.APPROVED, by="route"),
    Move(DocumentStatus.IN_REVIEW, DocumentStatus.REJECTED, by="route"),
    Move(DocumentStatus.IN_REVIEW, DocumentStatus.DRAFT, by="approver_return"),
    Move(DocumentStatus.IN_REVIEW, DocumentStatus.DRAFT, by="submitter_withdraw"),
    Move(DocumentStatus.APPROVED, DocumentStatus.DRAFT, by="new_version"),
    Move(DocumentStatus.APPROVED, DocumentStatus.ARCHIVED, by="records_manager"),
    Move(DocumentStatus.REJECTED, DocumentStatus.ARCHIVED, by="records_manager"),
)

_LEGAL = {(move.source, move.target, move.by): move for move in MOVES}


def legal_move(source: str, target: str, by: str) -> Move | None:
    return _LEGAL.get((source, target, by))


def change_status(
    *, context: RequestContext, document: Document, target: str, by: str, reason: str
) -> Document:
    """Move `document` to `target` if the table allows `by` that move from the status it holds
    now.

    The row is locked first, so two moves of one document cannot both start from the same
    status. The status is a search facet: the move queues the document for reindexing.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        source = document.status
        move = legal_move(source, target, by)
        if move is None:
            raise Conflict(
                f"A document cannot move from {source} to {target}.",
                code="illegal_status_change",
            )
        document.status = target
        document.save(update_fields=["status", "updated_at"])
        record(
            context,
            "document.status",
            object_type="document",
            object_id=document.pk,
            details={"from": source, "to": target, "by": move.by, "reason": reason},
        )
        document_changed(document.pk)
    return document
