"""Reading a document is audited: opening it, downloading a version, reading a version's text.

Each takes the acting user's context, checks the permission the read needs (`view`, or
`download` for the bytes; an approver reaching the document through a route only for the version
under review) and writes its audit event; the caller then serves what it answers.
"""

from typing import Any

from audit.record import RequestContext, record
from core.errors import Invalid, NotFound
from permissions.access import get_document, require_version
from permissions.codes import Permission
from repository.models import Document, Version


def version_of(document: Document, raw: Any) -> Version:
    """The version numbered `raw`, or the current one when `raw` is empty."""
    if raw in (None, ""):
        if document.current_version is None:
            raise NotFound("The document has no version.")
        return document.current_version
    try:
        number = int(raw)
    except (TypeError, ValueError):
        raise Invalid({"version": ["Expected a version number."]}) from None
    version = document.versions.filter(number=number).first()
    if version is None:
        raise NotFound(f"The document has no version {number}.")
    return version


def open_document(*, context: RequestContext, document_id: Any) -> Document:
    """The document, if the caller may see it (else 404); recorded as `document.view`."""
    document: Document = get_document(context.user, document_id)
    record(context, "document.view", object_type="document", object_id=document.pk)
    return document


def download_version(*, context: RequestContext, document_id: Any, version: Any) -> Version:
    """A version whose bytes the caller may download; recorded as `document.download`."""
    document: Document = get_document(context.user, document_id, Permission.DOWNLOAD)
    found = version_of(document, version)
    require_version(context.user, document, found, Permission.DOWNLOAD)
    record(
        context,
        "document.download",
        object_type="document",
        object_id=document.pk,
        details={"version": found.number, "sha256": found.sha256},
    )
    return found


def read_text(*, context: RequestContext, document_id: Any, version: Any) -> Version:
    """A version whose extracted text the caller may read: the whole content in another
    form, so recorded like a download (`document.text`), though `view` suffices."""
    document: Document = get_document(context.user, document_id)
    found = version_of(document, version)
    require_version(context.user, document, found, Permission.VIEW)
    record(
        context,
        "document.text",
        object_type="document",
        object_id=document.pk,
        details={"version": found.number, "sha256": found.sha256},
    )
    return found
