"""The document list (also `/`) and the upload form on it.

The list runs the API list's own query: `documents_for` trimmed by `apply_filters`, counted
by `folder_count` (folder counts, not a scan, when at most a folder filters it), one page
fetched with LIMIT/OFFSET. Uploads go through `services.create_document` like the API's.
"""

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from audit.record import context_from
from core.api import MAX_PAGE_SIZE, Pagination
from permissions.codes import Permission
from permissions.selectors import documents_for, folders_for
from repository import services
from repository.filters import DocumentFilters, apply_filters, parse_filters
from repository.models import DocumentStatus, DocumentType
from repository.serializers import DocumentCreateSerializer
from repository.views.documents import folder_count
from web.forms.documents import upload_data
from web.outcomes import ServiceError, service_error
from web.views.documents.duplicates import remember_upload_duplicates
from web.views.documents.pictures import has_picture

PAGE_SIZE = 50


def folder_labels(user: Any) -> dict[int, str]:
    """Each folder the user may see, labelled with its path through folders they may see."""
    rows = {
        row["id"]: row for row in folders_for(user).values("id", "name", "parent_id").order_by()
    }
    labels: dict[int, str] = {}
    for folder_id, row in rows.items():
        names = [row["name"]]
        parent = rows.get(row["parent_id"])
        seen = {folder_id}
        while parent is not None and parent["id"] not in seen:
            seen.add(parent["id"])
            names.append(parent["name"])
            parent = rows.get(parent["parent_id"])
        labels[folder_id] = " / ".join(reversed(names))
    return labels


def _choices(labels: dict[int, str], ids: Any = None) -> list[tuple[int, str]]:
    wanted = labels if ids is None else {pk: labels[pk] for pk in ids if pk in labels}
    return sorted(wanted.items(), key=lambda item: item[1].casefold())


def filing_choices(user: Any, labels: dict[int, str]) -> list[tuple[int, str]]:
    """The folders the user may file a new document into (`edit`), labelled, sorted."""
    return _choices(labels, folders_for(user, Permission.EDIT).values_list("id", flat=True))


_SELECTED = " selected"


def folder_options(choices: list[tuple[int, str]], selected: Any) -> SafeString:
    """The <option>s of a folder select, joined here rather than in a template loop: a tree
    of thousands of folders would otherwise cost most of the page's time."""
    chosen = str(selected) if selected not in (None, "") else None
    return mark_safe(  # noqa: S308 - every value is escaped here
        "".join(
            f'<option value="{pk}"{_SELECTED if str(pk) == chosen else ""}>{escape(label)}</option>'
            for pk, label in choices
        )
    )


def _page_size(raw: str | None) -> int:
    try:
        size = int(raw or PAGE_SIZE)
    except ValueError:
        return PAGE_SIZE
    return max(1, min(size, MAX_PAGE_SIZE))


def _page_link(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return f"?{query.urlencode()}"


def render_list(
    request: HttpRequest,
    *,
    status: int = 200,
    upload_error: str = "",
    upload_values: Any = None,
) -> HttpResponse:
    user = request.user
    filter_error = ""
    try:
        filters = parse_filters(request.GET, user)
    except ServiceError as error:
        outcome = service_error(error)
        filter_error, status, filters = outcome.message, outcome.status, DocumentFilters()
    documents = (
        apply_filters(documents_for(user), filters)
        .select_related("document_type", "current_version")
        .prefetch_related("tags")
    )
    size = _page_size(request.GET.get("page_size"))
    paginator = Pagination(total=folder_count(user, filters)).django_paginator_class(
        documents, size
    )
    page = paginator.get_page(request.GET.get("page"))
    labels = folder_labels(user)
    rows = list(page.object_list)
    for document in rows:
        # A folder out of the user's sight is not named (the API list gives its id only).
        document.folder_label = labels.get(document.folder_id, "")
        document.has_picture = has_picture(document)
    context = {
        "nav_area": "documents",
        "page": page,
        "rows": rows,
        "count": paginator.count,
        "previous_link": _page_link(request, page.number - 1) if page.has_previous() else "",
        "next_link": _page_link(request, page.number + 1) if page.has_next() else "",
        "filters": filters,
        "filter_error": filter_error,
        "folder_options": folder_options(_choices(labels), filters.folder),
        "upload_folder_options": folder_options(
            filing_choices(user, labels), (upload_values or {}).get("folder")
        ),
        "document_types": DocumentType.objects.all(),
        "statuses": DocumentStatus.choices,
        "tag_filter": ", ".join(filters.tags),
        "upload_error": upload_error,
        "upload_values": upload_values or {},
        "max_upload_bytes": _max_upload_bytes(),
    }
    return render(request, "web/documents/list.html", context, status=status)


def _max_upload_bytes() -> int:
    return int(settings.KONTOR_MAX_UPLOAD_BYTES)


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    return render_list(request)


def _wants_json(request: HttpRequest) -> bool:
    """kontor.js posts uploads itself (to show progress) and reads the answer as JSON."""
    return request.headers.get("Accept", "").startswith("application/json")


@login_required
@require_POST
def upload(request: HttpRequest) -> HttpResponse:
    form = DocumentCreateSerializer(
        data=upload_data(request.POST, request.FILES), context={"request": request}
    )
    try:
        form.is_valid(raise_exception=True)
        data = form.validated_data
        created = services.create_document(
            context=context_from(request),
            upload=data["file"],
            title=data.get("title", ""),
            folder=data.get("folder"),
            tags=data.get("tags"),
            on_duplicate=services.OnDuplicate.WARN,
        )
    except ServiceError as error:
        outcome = service_error(error)
        if _wants_json(request):
            return JsonResponse(
                {"detail": outcome.message, "code": outcome.code}, status=outcome.status
            )
        return render_list(
            request, status=outcome.status, upload_error=outcome.message, upload_values=request.POST
        )
    document = created.document
    remember_upload_duplicates(request, document, created.duplicates)
    location = reverse("document", args=[document.pk])
    if _wants_json(request):
        return JsonResponse({"location": location, "id": document.pk}, status=201)
    return redirect(location)
