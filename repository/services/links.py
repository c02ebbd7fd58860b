"""Relations from a document to another document or to a CRM record."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid, NotFound
from permissions.access import get_document
from permissions.codes import Permission
from permissions.selectors import documents_for
from permissions.targets import target_visible
from repository.models import Document, DocumentLink, LinkTarget
from repository.outbox import document_changed


def visible_links(user: Any, document: Document) -> QuerySet[DocumentLink]:
    """Links of a visible document, less those pointing at documents the user cannot see."""
    hidden_documents = DocumentLink.objects.filter(
        document=document, target_type=LinkTarget.DOCUMENT
    ).exclude(target_id__in=documents_for(user).values("pk"))
    return document.links.exclude(pk__in=hidden_documents.values("pk"))


def add_link(
    *,
    context: RequestContext,
    document: Document,
    target_type: str,
    target_id: int,
    relation: str,
) -> DocumentLink:
    """Link the document (the caller needs `edit` on it) to a target they can see."""
    get_document(context.user, document.pk, Permission.EDIT)
    if target_type == LinkTarget.DOCUMENT and target_id == document.pk:
        raise Invalid({"target_id": ["A document cannot link to itself."]})
    if not target_visible(context.user, target_type, target_id):
        # Same answer for "missing" and "not visible": existence must not leak.
        raise Invalid(
            {"target_id": [f"No {target_type} {target_id} that you can see."]}, code="not_found"
        )
    try:
        with transaction.atomic():
            link = DocumentLink.objects.create(
                document=document,
                target_type=target_type,
                target_id=target_id,
                relation=relation,
                created_by=context.user,
            )
            record(
                context,
                "document.link",
                object_type="document",
                object_id=document.pk,
                details={"target": f"{target_type}:{target_id}", "relation": relation},
            )
            document_changed(document.pk)
    except IntegrityError as error:
        raise Conflict("This link exists already.", code="duplicate_link") from error
    return link


def remove_link(*, context: RequestContext, link: DocumentLink) -> None:
    """Remove a link the caller can see from a document they may `edit`."""
    document = get_document(context.user, link.document_id, Permission.EDIT)
    if not visible_links(context.user, document).filter(pk=link.pk).exists():
        raise NotFound()
    with transaction.atomic():
        record(
            context,
            "document.unlink",
            object_type="document",
            object_id=link.document_id,
            details={"target": f"{link.target_type}:{link.target_id}", "relation": link.relation},
        )
        link.delete()
        document_changed(link.document_id)
