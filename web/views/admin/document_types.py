"""Document types: the list and a new type, through the audited service the API calls."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from permissions.access import require_admin
from repository.models import DocumentType
from repository.services.document_types import create_document_type
from web.forms.admin import DocumentTypeForm
from web.outcomes import ServiceError, only_for, show_on_form

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def type_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _types_page(request, DocumentTypeForm())
    form = DocumentTypeForm(request.POST)
    if not form.is_valid():
        return _types_page(request, form, status=400)
    try:
        document_type = create_document_type(
            context=context_from(request),
            slug=form.cleaned_data["slug"],
            name=form.cleaned_data["name"],
            metadata_schema=form.cleaned_data.get("metadata_schema"),
        )
    except ServiceError as refused:
        return _types_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"Document type {document_type.slug} created.")
    return redirect("administration-document-types")


def _types_page(request: HttpRequest, form: DocumentTypeForm, status: int = 200) -> HttpResponse:
    page = Paginator(DocumentType.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav_area": "administration",
        "admin_area": "document-types",
        "form": form,
        "page": page,
    }
    return render(request, "web/admin/document_types.html", context, status=status)
