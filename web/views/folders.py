"""Pages of the folders area: browse the tree, create, rename, move, delete, share.

Each action is the folder endpoint's: the same `get_folder` checks (404 for a folder out of
sight), the same services (`repository.services.folders`, whose moves need `delete` on what
moves and `edit` on the destination), the same audit events. A folder's documents are the
document list filtered by it (`/documents/?folder=N`), paged there.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from audit.record import context_from
from permissions.access import get_folder
from permissions.codes import Permission
from permissions.models import FolderAncestor
from permissions.selectors import can_on_folder, folders_for
from repository.models import Folder
from repository.serializers import FolderSerializer
from repository.services import folders as folder_services
from web.outcomes import ServiceError, service_error
from web.views.documents.listing import folder_labels
from web.views.documents.page import acl_rows
from web.views.documents.sharing import SAVED, replace_acl


def _visible_folder(request: HttpRequest, pk: int) -> Folder:
    try:
        return get_folder(request.user, pk)  # type: ignore[no-any-return]
    except ServiceError as error:
        service_error(error)  # raises Http404
        raise


def render_folders(
    request: HttpRequest, folder: Folder | None, *, status: int = 200, error: str = ""
) -> HttpResponse:
    user = request.user
    labels = folder_labels(user)
    visible = folders_for(user)
    if folder is not None:
        children = visible.filter(parent=folder)
    else:
        # The top of what this user sees: a folder shared with them inside a folder they may
        # not see starts here too, or they could not reach it by browsing.
        children = visible.exclude(parent__in=folders_for(user).values("pk"))
    context: dict[str, Any] = {
        "nav_area": "documents",
        "folder": folder,
        "folder_label": labels.get(folder.pk, "") if folder else "",
        "parent_visible": bool(folder and folder.parent_id in labels),
        "children": children.order_by("name", "id"),
        "error": error,
        "may_add": folder is None or can_on_folder(user, Permission.EDIT, folder),
    }
    if folder is not None:
        may_delete = can_on_folder(user, Permission.DELETE, folder)
        may_manage_acl = can_on_folder(user, Permission.MANAGE_ACL, folder)
        # The folder itself and everything below it are no destination (the service refuses).
        below = set(
            FolderAncestor.objects.filter(ancestor_id=folder.pk).values_list("folder_id", flat=True)
        )
        destinations = folders_for(user, Permission.EDIT).values_list("pk", flat=True)
        context.update(
            {
                "may_rename": can_on_folder(user, Permission.EDIT, folder),
                "may_delete": may_delete,
                "may_manage_acl": may_manage_acl,
                "move_choices": sorted(
                    ((pk, labels[pk]) for pk in destinations if pk in labels and pk not in below),
                    key=lambda item: item[1].casefold(),
                ),
            }
        )
        if may_manage_acl:
            context.update(acl_rows(folder))
            context["acl_action"] = reverse("folder_permissions", args=[folder.pk])
            context["acl_error"] = error if status != 200 else ""
    return render(request, "web/folders/index.html", context, status=status)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    return render_folders(request, None)


@login_required
def folder_page(request: HttpRequest, pk: int) -> HttpResponse:
    return render_folders(request, _visible_folder(request, pk))


def _refused(request: HttpRequest, folder: Folder | None, error: Exception) -> HttpResponse:
    outcome = service_error(error)
    return render_folders(request, folder, status=outcome.status, error=outcome.message)


def _to(folder: Folder | None) -> HttpResponse:
    return redirect(reverse("folder", args=[folder.pk]) if folder else reverse("folders"))


@login_required
@require_POST
def create(request: HttpRequest) -> HttpResponse:
    """A folder at the top level or inside `parent`, as `POST /api/v1/folders/` makes it."""
    raw_parent = request.POST.get("parent", "")
    parent = _visible_folder(request, int(raw_parent)) if raw_parent.isdigit() else None
    form = FolderSerializer(data=request.POST, context={"request": request})
    try:
        form.is_valid(raise_exception=True)
        created = folder_services.create_folder(
            context=context_from(request),
            name=form.validated_data["name"],
            parent=form.validated_data.get("parent"),
        )
    except ServiceError as error:
        return _refused(request, parent, error)
    messages.success(request, f"The folder {created.name} is created.")
    return _to(created)


def _update(request: HttpRequest, pk: int, done: str) -> HttpResponse:
    """Rename or move, as `PATCH /api/v1/folders/{id}/` does (edit on the folder first)."""
    folder = _visible_folder(request, pk)
    form = FolderSerializer(folder, data=request.POST, partial=True, context={"request": request})
    try:
        folder = get_folder(request.user, pk, manage=True)
        form.is_valid(raise_exception=True)
        folder = folder_services.update_folder(
            context=context_from(request), folder=folder, changes=dict(form.validated_data)
        )
    except ServiceError as error:
        return _refused(request, folder, error)
    messages.success(request, done)
    return _to(folder)


@login_required
@require_POST
def rename(request: HttpRequest, pk: int) -> HttpResponse:
    return _update(request, pk, "The folder is renamed.")


@login_required
@require_POST
def move(request: HttpRequest, pk: int) -> HttpResponse:
    if "parent" not in request.POST:
        return _update(request, pk, "Nothing to move.")
    return _update(request, pk, "The folder is moved.")


@login_required
@require_POST
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    folder = _visible_folder(request, pk)
    parent_id = folder.parent_id
    try:
        folder = get_folder(request.user, pk, permission=Permission.DELETE)
        folder_services.delete_folder(context=context_from(request), folder=folder)
    except ServiceError as error:
        return _refused(request, folder, error)
    messages.success(request, f"The folder {folder.name} is deleted.")
    parent = folders_for(request.user).filter(pk=parent_id).first() if parent_id else None
    return _to(parent)


@login_required
@require_POST
def permissions(request: HttpRequest, pk: int) -> HttpResponse:
    folder = _visible_folder(request, pk)
    try:
        folder = get_folder(request.user, pk, permission=Permission.MANAGE_ACL)
        replace_acl(request, folder)
    except ServiceError as error:
        return _refused(request, folder, error)
    messages.success(request, SAVED)
    return redirect(reverse("folder", args=[pk]) + "#permissions")


urlpatterns: list[URLPattern] = [
    path("folders/", index, name="folders"),
    path("folders/create/", create, name="folder_create"),
    path("folders/<int:pk>/", folder_page, name="folder"),
    path("folders/<int:pk>/rename/", rename, name="folder_rename"),
    path("folders/<int:pk>/move/", move, name="folder_move"),
    path("folders/<int:pk>/delete/", delete, name="folder_delete"),
    path("folders/<int:pk>/permissions/", permissions, name="folder_permissions"),
]
