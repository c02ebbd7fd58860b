"""Uploading document templates and new versions of them; reading them.

Administrators manage templates (`role:admin` or superusers); everyone signed in lists them and
fills them. An upload is checked like a document's (size, type, zip bombs), must be a .docx,
and is read in the isolated engine: broken Jinja answers 422 naming the tag and the paragraph,
a template reaching for Python internals or other files answers 422 and is never stored.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet

from audit.record import RequestContext, record
from core.errors import Forbidden, NotFound, RuleViolation, TooLarge, UnsupportedType
from core.text import require_valid_text
from permissions.access import record_refusal
from permissions.principals import is_admin
from repository.blobs import read_verified
from repository.services.uploads import check_upload, store_checked
from templating.engine import TemplateProblem
from templating.isolation import inspect_isolated
from templating.models import DocumentTemplate, TemplateVersion

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Problem:
    code: str
    title: str


PROBLEMS = {
    "syntax": Problem("template_syntax", "The template's syntax is broken"),
    "unsafe": Problem("template_unsafe", "The template is refused"),
    "render": Problem("template_render", "The template could not be filled"),
    "limit": Problem("template_limit", "The template went past its limits"),
    "unreadable": Problem("template_unreadable", "The template cannot be read"),
}


def template_error(problem: TemplateProblem) -> RuleViolation:
    """A template's problem as the 422 the API and the pages answer, naming the tag and the
    paragraph when known."""
    known = PROBLEMS.get(problem.kind, PROBLEMS["render"])
    return RuleViolation(
        f"{known.title}: {problem}",
        code=known.code,
        tag=problem.tag,
        paragraph=problem.paragraph,
    )


def templates_for(user: Any) -> QuerySet[DocumentTemplate]:
    """Templates anyone signed in may see and fill: all of them."""
    if not getattr(user, "is_authenticated", False):
        return DocumentTemplate.objects.none()
    return DocumentTemplate.objects.select_related("current_version", "created_by")


def get_template(user: Any, pk: Any) -> DocumentTemplate:
    try:
        template_id = int(pk)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = (
        templates_for(user).filter(pk=template_id).first() if 0 < template_id <= MAX_ID else None
    )
    if found is None or found.current_version is None:
        raise NotFound()
    return found


def template_bytes(version: TemplateVersion) -> bytes:
    return b"".join(read_verified(version.sha256, version.size))


def _require_admin(context: RequestContext, object_id: Any = "") -> None:
    if not is_admin(context.user):
        record_refusal(
            context.user,
            object_type="template",
            object_id=object_id,
            permission="manage_templates",
            reason="not_admin",
        )
        raise Forbidden("Only administrators manage templates.", code="not_admin")


def _read_checked(upload: Any) -> tuple[Any, bytes, list[str]]:
    checked = check_upload(upload)
    if checked.mime_type != DOCX and not checked.filename.lower().endswith(".docx"):
        raise UnsupportedType("A template is a Word document (.docx).", "not_docx")
    if checked.size > settings.KONTOR_TEMPLATE_MAX_BYTES:
        raise TooLarge(
            f"The template is {checked.size} bytes; the limit is "
            f"{settings.KONTOR_TEMPLATE_MAX_BYTES}."
        )
    with open(checked.file.temporary_file_path(), "rb") as handle:
        data = handle.read()
    try:
        variables = inspect_isolated(data, seconds=settings.KONTOR_RENDER_SECONDS)
    except TemplateProblem as problem:
        raise template_error(problem) from problem
    return checked, data, variables


def _write_version(
    template: DocumentTemplate, checked: Any, variables: list[str], user: Any
) -> TemplateVersion:
    last = template.versions.order_by("-number").values_list("number", flat=True).first()
    version = TemplateVersion.objects.create(
        template=template,
        number=(last or 0) + 1,
        filename=checked.filename,
        size=checked.size,
        sha256=checked.sha256,
        variables=variables,
        created_by=user,
    )
    template.current_version = version
    template.save(update_fields=["current_version", "updated_at"])
    return version


def upload_template(*, context: RequestContext, upload: Any, name: str) -> DocumentTemplate:
    """A new template from a .docx (administrators): its first version and variables."""
    _require_admin(context)
    require_valid_text(name=name)
    checked, _data, variables = _read_checked(upload)
    store_checked(checked)
    with transaction.atomic():
        template = DocumentTemplate.objects.create(name=name, created_by=context.user)
        version = _write_version(template, checked, variables, context.user)
        record(
            context,
            "template.create",
            object_type="template",
            object_id=template.pk,
            details={"name": name, "version": version.number, "sha256": checked.sha256},
        )
    return template


def add_template_version(
    *, context: RequestContext, template: DocumentTemplate, upload: Any
) -> TemplateVersion:
    """The template's next version (administrators); renders from now on use it."""
    _require_admin(context, template.pk)
    checked, _data, variables = _read_checked(upload)
    store_checked(checked)
    with transaction.atomic():
        locked = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
        version = _write_version(locked, checked, variables, context.user)
        record(
            context,
            "template.version",
            object_type="template",
            object_id=template.pk,
            details={"version": version.number, "sha256": checked.sha256},
        )
    return version
