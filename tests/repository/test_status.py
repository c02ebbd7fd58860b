"""The declared status machine: each legal move works, anything else is refused untouched."""

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from audit.record import RequestContext
from core.errors import DomainError
from repository.models import Document, DocumentStatus, IndexOutbox
from repository.status import MOVES, Move, change_status

pytestmark = pytest.mark.django_db

LEGAL = {(move.source, move.target) for move in MOVES}
ILLEGAL = [
    (source, target)
    for source in DocumentStatus.values
    for target in DocumentStatus.values
    if (source, target) not in LEGAL
]


def _document(status: str) -> tuple[Document, RequestContext]:
    owner = User.objects.create_user("owner")
    document = Document.objects.create(title="contract", owner=owner, status=status)
    return document, RequestContext(user=owner)


def test_the_table_is_the_lifecycle_of_the_contract() -> None:
    assert {
        ("draft", "in_review"),
        ("in_review", "approved"),
        ("in_review", "rejected"),
        ("in_review", "draft"),
        ("approved", "draft"),
        ("approved", "archived"),
        ("rejected", "archived"),
    } == LEGAL


@pytest.mark.parametrize("move", MOVES, ids=lambda m: f"{m.source}->{m.target}")
def test_a_legal_move_writes_the_status_its_audit_event_and_an_outbox_row(move: Move) -> None:
    document, context = _document(move.source)
    change_status(context=context, document=document, target=move.target, by=move.by, reason="why")
    document.refresh_from_db()
    assert document.status == move.target
    event = AuditEvent.objects.get(action="document.status")
    assert event.object_type == "document" and event.object_id == str(document.pk)
    assert event.actor_username == "owner"
    assert event.details == {
        "from": move.source,
        "to": move.target,
        "by": move.by,
        "reason": "why",
    }
    assert IndexOutbox.objects.filter(document_id=document.pk).exists()


@pytest.mark.parametrize("source,target", ILLEGAL, ids=lambda v: str(v))
def test_an_illegal_move_is_a_conflict_and_changes_nothing(source: str, target: str) -> None:
    document, context = _document(source)
    with pytest.raises(DomainError) as refused:
        change_status(context=context, document=document, target=target, by="route", reason="why")
    assert refused.value.status == 409
    assert refused.value.code == "illegal_status_change"
    document.refresh_from_db()
    assert document.status == source
    assert not AuditEvent.objects.filter(action="document.status").exists()
    assert not IndexOutbox.objects.filter(document_id=document.pk).exists()


def test_the_move_starts_from_the_stored_status_not_the_callers_copy() -> None:
    """A stale copy cannot replay a move the row has already made."""
    document, context = _document(DocumentStatus.DRAFT)
    stale = Document.objects.get(pk=document.pk)
    change_status(
        context=context, document=document, target="in_review", by="submitter", reason="submitted"
    )
    stale.status = DocumentStatus.DRAFT
    with pytest.raises(DomainError):
        change_status(
            context=context, document=stale, target="in_review", by="submitter", reason="again"
        )
    assert AuditEvent.objects.filter(action="document.status").count() == 1


def test_a_legal_move_made_by_another_than_the_table_names_is_refused() -> None:
    """Approval is the route's move: a submitter cannot approve their own document."""
    document, context = _document(DocumentStatus.IN_REVIEW)
    with pytest.raises(DomainError) as refused:
        change_status(
            context=context, document=document, target="approved", by="submitter", reason="mine"
        )
    assert refused.value.code == "illegal_status_change"
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_REVIEW
