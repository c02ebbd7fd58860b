"""Filling a template: from CRM records to a .docx or its PDF print form, handed back or saved.

Anyone signed in fills any template with the records they see (`templating.services.context`).
Saving stores the result as a new document of the caller's, through the same use case as an
upload (`repository.services.create_document`: the caller needs the right to add to the folder),
links it to the records named and writes `template.render` with the version used; every render
records its template version (`TemplateRender`).
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from audit.record import RequestContext, record
from core.text import require_valid_text
from repository.models import Document, DocumentLink, Folder
from repository.outbox import document_changed
from repository.services.documents import OnDuplicate, create_document
from repository.services.moves import ensure_may_file_into
from repository.uploads import HashedUploadedFile
from templating.engine import TemplateProblem
from templating.isolation import render_isolated
from templating.models import DocumentTemplate, RenderFormat, TemplateRender, TemplateVersion
from templating.printing import docx_to_pdf
from templating.services.context import Filling, build_filling
from templating.services.templates import template_bytes, template_error

MIME_TYPES: dict[str, str] = {
    RenderFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    RenderFormat.PDF: "application/pdf",
}


@dataclass
class Rendered:
    content: bytes
    filename: str
    mime_type: str
    version: TemplateVersion
    docx: bytes  # the filled .docx, also behind a PDF: what the spell report reads
    document: Document | None = None


def fill(version: TemplateVersion, filling: Filling) -> bytes:
    """The filled .docx (422 when the template fails)."""
    try:
        content = render_isolated(
            template_bytes(version),
            filling.data,
            seconds=settings.KONTOR_RENDER_SECONDS,
            characters=settings.KONTOR_RENDER_MAX_CHARACTERS,
        )
    except TemplateProblem as problem:
        raise template_error(problem) from problem
    return content


def _filename(title: str, output: str) -> str:
    stem = "".join(ch for ch in title if ch.isprintable() and ch not in '\\/<>:"|?*').strip(" .")
    return f"{stem[:200] or 'document'}.{output}"


def _as_upload(content: bytes, filename: str, mime_type: str) -> HashedUploadedFile:
    """The bytes as the upload the document use case takes (a hashed temporary file)."""
    upload = HashedUploadedFile(filename, mime_type, len(content), None)
    upload.write(content)
    upload.flush()
    upload.seek(0)
    upload.sha256 = hashlib.sha256(content).hexdigest()
    return upload


def _link(context: RequestContext, document: Document, records: dict[str, int]) -> None:
    for kind, record_id in records.items():
        DocumentLink.objects.create(
            document=document,
            target_type=kind,
            target_id=record_id,
            relation="generated_from",
            created_by=context.user,
        )
        record(
            context,
            "document.link",
            object_type="document",
            object_id=document.pk,
            details={"target": f"{kind}:{record_id}", "relation": "generated_from"},
        )


def render_template(
    *,
    context: RequestContext,
    template: DocumentTemplate,
    records: dict[str, int | None],
    extra: dict[str, Any] | None = None,
    output: str = RenderFormat.DOCX,
    save: bool = False,
    folder: Folder | None = None,
    title: str = "",
) -> Rendered:
    """Fill the template's current version with the records named (each one the caller sees)
    and `extra`; with `save`, store it as a new document filed in `folder` and linked to them."""
    require_valid_text(title=title)
    version = template.current_version
    assert version is not None  # `get_template` answers 404 for a template without one
    filling = build_filling(context.user, records=records, extra=extra)
    if save:
        ensure_may_file_into(context.user, folder)  # before the work, its refusal recorded
    docx = fill(version, filling)
    # the print form (503 when the PDF printer is unavailable)
    content = docx_to_pdf(docx) if output == RenderFormat.PDF else docx
    title = title or template.name
    filename = _filename(title, output)
    rendered = Rendered(content, filename, MIME_TYPES[output], version, docx)
    details = {
        "template": template.pk,
        "version": version.number,
        "format": output,
        "records": {kind: f"{kind}:{pk}" for kind, pk in filling.records.items()},
    }
    if not save:
        with transaction.atomic():
            TemplateRender.objects.create(
                version=version, rendered_by=context.user, format=output, records=filling.records
            )
            record(
                context,
                "template.render",
                object_type="template",
                object_id=template.pk,
                details=details,
            )
        return rendered
    upload = _as_upload(content, filename, rendered.mime_type)
    try:
        with transaction.atomic():
            created = create_document(
                context=context,
                upload=upload,
                title=title,
                folder=folder,
                on_duplicate=OnDuplicate.ALLOW,
            )
            document = created.document
            _link(context, document, filling.records)
            TemplateRender.objects.create(
                version=version,
                rendered_by=context.user,
                format=output,
                records=filling.records,
                document=document,
            )
            record(
                context,
                "template.render",
                object_type="template",
                object_id=template.pk,
                details={**details, "document": document.pk},
            )
            document_changed(document.pk)
    finally:
        upload.close()
    rendered.document = document
    return rendered
