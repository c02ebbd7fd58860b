"""Document types: administrators define them, and every definition is audited."""

from typing import Any

from django.db import IntegrityError, transaction

from audit.record import RequestContext, record
from core.errors import Conflict
from permissions.access import require_admin
from repository.models import DocumentType


def create_document_type(
    *, context: RequestContext, slug: str, name: str, metadata_schema: Any = None
) -> DocumentType:
    """A type every uploader may then choose, so only an administrator may add one."""
    require_admin(context.user)
    try:
        with transaction.atomic():
            document_type = DocumentType.objects.create(
                slug=slug, name=name, metadata_schema=metadata_schema
            )
            record(
                context,
                "document_type.create",
                object_type="document_type",
                object_id=document_type.pk,
                details={"slug": slug, "name": name},
            )
    except IntegrityError as error:
        # A taken slug is a conflict (409), as a taken user, group or folder name is.
        raise Conflict("A document type with that slug exists.", code="duplicate_slug") from error
    return document_type
