"""What the document page's Registration section shows: the document's journal numbers
(`lifecycle.services.journals.registrations_of`, which needs `view`) and, for those who may
edit the document, the journals it is not yet registered in."""

from typing import Any

from lifecycle.services import journals
from repository.models import Document


def registration_section(user: Any, document: Document, *, may_register: bool) -> dict[str, Any]:
    """The section's content for `user` (who may view `document`)."""
    registrations = list(journals.registrations_of(actor=user, document_id=document.pk))
    taken = {registration.journal_id for registration in registrations}
    offered = [j for j in journals.journals() if j.pk not in taken] if may_register else []
    return {"registrations": registrations, "journal_choices": offered}
