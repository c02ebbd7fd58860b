"""Document templates in administration: the list, uploading one, its variables and versions,
uploading a new version. Each action calls the use case the API calls."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from permissions.access import require_admin
from templating.services.templates import (
    add_template_version,
    get_template,
    templates_for,
    upload_template,
)
from web.forms.templates import TemplateUploadForm, TemplateVersionForm
from web.outcomes import ServiceError, only_for, service_error, show_on_form

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def template_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request, TemplateUploadForm())
    form = TemplateUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    try:
        template = upload_template(
            context=context_from(request),
            upload=form.cleaned_data["file"],
            name=form.cleaned_data["name"],
        )
    except ServiceError as refused:
        return _list_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"Template {template.name} uploaded.")
    return redirect("administration-template", pk=template.pk)


def _list_page(request: HttpRequest, form: TemplateUploadForm, status: int = 200) -> HttpResponse:
    templates = templates_for(request.user).order_by("name", "id")
    page = Paginator(templates, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav_area": "administration",
        "admin_area": "templates",
        "form": form,
        "page": page,
    }
    return render(request, "web/admin/templates.html", context, status=status)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        template = get_template(request.user, pk)
    except ServiceError as error:
        service_error(error)
        raise
    if request.method != "POST":
        return _detail_page(request, template, TemplateVersionForm())
    form = TemplateVersionForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail_page(request, template, form, status=400)
    try:
        version = add_template_version(
            context=context_from(request), template=template, upload=form.cleaned_data["file"]
        )
    except ServiceError as refused:
        return _detail_page(request, template, form, status=show_on_form(form, refused))
    messages.success(request, f"Version {version.number} uploaded.")
    return redirect("administration-template", pk=template.pk)


def _detail_page(
    request: HttpRequest, template: Any, form: TemplateVersionForm, status: int = 200
) -> HttpResponse:
    context = {
        "nav_area": "administration",
        "admin_area": "templates",
        "template": template,
        "versions": template.versions.select_related("created_by"),
        "form": form,
    }
    return render(request, "web/admin/template.html", context, status=status)
