"""What the buttons of the document page do: each a POST through the API's own service.

Every action fetches the document with the permission the API endpoint asks for
(`get_document`, which records a refusal), then calls the same service, so holds, locks and
audit events are the API's. A refusal shows the document page again with the service's
message and status; a document the user may not view is the 404 page.
"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from audit.record import context_from
from permissions.access import get_document
from permissions.codes import Permission
from repository import services
from repository.blobs import read_verified
from repository.models import Document
from repository.serializers import LinkSerializer, VersionCreateSerializer
from web.forms.documents import upload_data
from web.outcomes import ServiceError, service_error
from web.views.documents.page import render_document, visible_document


def act(
    request: HttpRequest,
    pk: int,
    permission: str,
    action: Callable[[Document], Any],
    done: str,
    *,
    next_url: str | None = None,
) -> HttpResponse:
    """Run `action` on the document as the API would; on success say `done` and go on."""
    document = visible_document(request, pk)
    try:
        document = get_document(request.user, pk, permission)
        action(document)
    except ServiceError as error:
        outcome = service_error(error)
        return render_document(request, document, status=outcome.status, error=outcome.message)
    messages.success(request, done)
    return redirect(next_url or reverse("document", args=[pk]))


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The bytes, exactly as `GET /api/v1/documents/{id}/download/` streams and records them."""
    try:
        version = services.download_version(
            context=context_from(request), document_id=pk, version=request.GET.get("version")
        )
    except ServiceError as error:
        outcome = service_error(error)
        return render_document(
            request, visible_document(request, pk), status=outcome.status, error=outcome.message
        )
    response = StreamingHttpResponse(
        read_verified(version.sha256, version.size), content_type=version.mime_type
    )
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=version.filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["ETag"] = f'"{version.sha256}"'
    return response


@login_required
@require_POST
def lock(request: HttpRequest, pk: int) -> HttpResponse:
    def run(document: Document) -> None:
        services.lock_document(context=context_from(request), document=document)

    return act(request, pk, Permission.EDIT, run, "The document is locked: you hold it.")


@login_required
@require_POST
def unlock(request: HttpRequest, pk: int) -> HttpResponse:
    def run(document: Document) -> None:
        services.unlock_document(context=context_from(request), document=document)

    return act(request, pk, Permission.EDIT, run, "The document is unlocked.")


@login_required
@require_POST
def new_version(request: HttpRequest, pk: int) -> HttpResponse:
    def run(document: Document) -> None:
        form = VersionCreateSerializer(data=upload_data(request.POST, request.FILES))
        form.is_valid(raise_exception=True)
        services.add_version(
            context=context_from(request),
            document=document,
            upload=form.validated_data["file"],
            comment=form.validated_data["comment"],
        )

    return act(request, pk, Permission.EDIT, run, "The new version is stored.")


@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks to confirm (no script needed); POST moves the document to the trash."""
    if request.method != "POST":
        document = visible_document(request, pk)
        context = {"nav_area": "documents", "document": document}
        return render(request, "web/documents/confirm_delete.html", context)

    def run(document: Document) -> None:
        services.delete_document(context=context_from(request), document=document)

    return act(
        request,
        pk,
        Permission.DELETE,
        run,
        "The document is in the trash.",
        next_url=reverse("documents"),
    )


@login_required
@require_POST
def add_link(request: HttpRequest, pk: int) -> HttpResponse:
    def run(document: Document) -> None:
        form = LinkSerializer(data=request.POST)
        form.is_valid(raise_exception=True)
        services.add_link(
            context=context_from(request),
            document=document,
            target_type=form.validated_data["target_type"],
            target_id=form.validated_data["target_id"],
            relation=form.validated_data["relation"],
        )

    return act(request, pk, Permission.EDIT, run, "The link is added.")


@login_required
@require_POST
def remove_link(request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
    def run(document: Document) -> None:
        link = services.visible_links(request.user, document).filter(pk=link_id).first()
        if link is None:  # missing, another document's, or pointing out of sight
            raise Http404("No such link.")
        services.remove_link(context=context_from(request), link=link)

    return act(request, pk, Permission.EDIT, run, "The link is removed.")
