"""The document page: the current version's facts, its sections, and the actions allowed.

It answers what `GET /api/v1/documents/{id}/` answers (404 for a document the user may not
view, through `get_document`) and records the same `document.view` event. Buttons show only
for what the user may do; the services check again when they are pressed.
"""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit import services as audit_services
from audit.record import context_from
from permissions import acl
from permissions.access import get_document
from permissions.codes import Permission
from permissions.explain import explain
from permissions.principals import has_role
from permissions.selectors import can, documents_for
from repository import services
from repository.models import Document, LinkTarget
from web.forms.documents import EFFECT_CHOICES, PERMISSION_CHOICES
from web.outcomes import ServiceError, service_error
from web.views.approvals.journal_section import registration_section
from web.views.approvals.section import approval_section
from web.views.documents.duplicates import duplicates_section
from web.views.documents.listing import folder_labels
from web.views.documents.pictures import picture_section
from web.views.spelling import spelling_section

HISTORY_EVENTS = 50
RELATIONS = ["related", "attachment", "reply_to", "supersedes", "contract_for"]


def visible_document(request: HttpRequest, pk: int, permission: str = Permission.VIEW) -> Any:
    """`get_document` for pages: what the API answers 404 is the 404 page, a refusal a message."""
    try:
        return get_document(request.user, pk, permission)
    except ServiceError as error:
        service_error(error)  # raises Http404 for not-found
        raise


def _links(user: Any, document: Document) -> list[dict[str, Any]]:
    links = list(services.visible_links(user, document).order_by("id"))
    document_ids = [link.target_id for link in links if link.target_type == LinkTarget.DOCUMENT]
    titles = dict(documents_for(user).filter(pk__in=document_ids).values_list("pk", "title"))
    return [
        {
            "link": link,
            "title": titles.get(link.target_id)
            if link.target_type == LinkTarget.DOCUMENT
            else None,
        }
        for link in links
    ]


def _explanation(request: HttpRequest, document: Document) -> tuple[str, Any, str]:
    """(username asked for, the effective permissions, a message) for the Permissions section."""
    username = request.GET.get("explain", "").strip()
    if not username:
        return "", None, ""
    subject = User.objects.filter(username=username).first()
    if subject is None:
        return username, None, f"There is no user named {username}."
    return username, explain(subject, document), ""


def acl_rows(target: Any) -> dict[str, Any]:
    """The ACL editor's content (shared with the folder page)."""
    current = acl.read_acl(target)
    return {
        "acl": current,
        "permission_choices": PERMISSION_CHOICES,
        "effect_choices": EFFECT_CHOICES,
    }


def render_document(
    request: HttpRequest,
    document: Document,
    *,
    status: int = 200,
    error: str = "",
    acl_error: str = "",
) -> HttpResponse:
    user = request.user
    document = (
        Document.objects.select_related(
            "owner", "locked_by", "document_type", "folder", "current_version__created_by"
        )
        .prefetch_related("tags")
        .get(pk=document.pk)
    )
    may = {
        permission: can(user, permission, document)
        for permission in (
            Permission.DOWNLOAD,
            Permission.EDIT,
            Permission.DELETE,
            Permission.MANAGE_ACL,
        )
    }
    if acl_error and not may[Permission.MANAGE_ACL]:
        error, acl_error = error or acl_error, ""
    context: dict[str, Any] = {
        "nav_area": "documents",
        "document": document,
        "version": document.current_version,
        "versions": document.versions.select_related("created_by").order_by("-number"),
        "folder_label": folder_labels(user).get(document.folder_id or 0, ""),
        "may_download": may[Permission.DOWNLOAD],
        "may_edit": may[Permission.EDIT],
        "may_delete": may[Permission.DELETE],
        "may_manage_acl": may[Permission.MANAGE_ACL],
        "locked_by_other": document.locked_by_id not in (None, user.pk),
        "links": _links(user, document),
        "link_relations": RELATIONS,
        "link_types": LinkTarget.choices,
        "error": error,
        "acl_error": acl_error,
        "is_records_manager": has_role(user, "records_manager"),
    }
    context.update(duplicates_section(request, document))
    context.update(
        approval_section(
            user, document, may_submit=may[Permission.EDIT] and may[Permission.MANAGE_ACL]
        )
    )
    context.update(registration_section(user, document, may_register=may[Permission.EDIT]))
    context.update(spelling_section(document))
    context.update(picture_section(request, document))
    if may[Permission.MANAGE_ACL]:
        explained_user, explanation, explain_error = _explanation(request, document)
        context.update(acl_rows(document))
        context.update(
            {
                "acl_action": f"/documents/{document.pk}/permissions/",
                "explained_user": explained_user,
                "explanation": explanation,
                "explain_error": explain_error,
            }
        )
    if context["is_records_manager"]:
        events = audit_services.find_events(
            actor=request.user, params={"object_type": "document", "object_id": str(document.pk)}
        )
        context["history"] = events.order_by("-seq")[:HISTORY_EVENTS]
    return render(request, "web/documents/detail.html", context, status=status)


@login_required
def document_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        document = services.open_document(context=context_from(request), document_id=pk)
    except ServiceError as error:
        service_error(error)  # raises Http404 for not-found
        raise
    return render_document(request, document)


@login_required
def document_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The extracted text, read on request: recorded like the API's `GET .../text/`."""
    document = visible_document(request, pk)
    version = None
    if document.current_version is not None:
        try:
            version = services.read_text(
                context=context_from(request), document_id=pk, version=None
            )
        except ServiceError as error:
            service_error(error)  # raises Http404 for not-found
            raise
    context = {"nav_area": "documents", "document": document, "version": version}
    template = "web/documents/_text.html" if request.htmx else "web/documents/text.html"  # type: ignore[attr-defined]
    return render(request, template, context)
