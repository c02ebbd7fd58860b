"""Custom fields of CRM records in administration: the definitions of each kind with their
types and list items, a new field, editing one (label, required, items renamed, added and
removed) and deleting one. Every change goes through `crm.services.fields`, the API's use cases:
an item a record holds is not removed (409, shown on the form), and the audit events are the
API's."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from audit.record import context_from
from crm.models import Entity, FieldDefinition
from crm.services import fields as services
from permissions.access import require_admin
from web.forms.crm_admin import FieldCreateForm, FieldEditForm
from web.outcomes import ServiceError, only_for, service_error, show_on_form


def _definition_or_404(pk: int) -> FieldDefinition:
    found = FieldDefinition.objects.filter(pk=pk).first() if 0 < pk <= 2**63 - 1 else None
    if found is None:
        raise Http404("No such field.")
    return found


def _list_page(request: HttpRequest, form: FieldCreateForm, status: int = 200) -> HttpResponse:
    definitions = FieldDefinition.objects.select_related("field_list").prefetch_related(
        "field_list__items"
    )
    by_entity: dict[str, list[FieldDefinition]] = {value: [] for value in Entity.values}
    for definition in definitions:
        by_entity[definition.entity].append(definition)
    context = {
        "nav_area": "administration",
        "admin_area": "crm-fields",
        "sections": [(value, label, by_entity[value]) for value, label in Entity.choices],
        "form": form,
    }
    return render(request, "web/admin/crm_fields.html", context, status=status)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def field_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request, FieldCreateForm())
    form = FieldCreateForm(request.POST)
    body = form.api_data()
    if body is None:
        return _list_page(request, form, status=400)
    try:
        definition = services.create_definition(context=context_from(request), **body)
    except ServiceError as refused:
        return _list_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"The {definition.entity} field {definition.label} was created.")
    return redirect("administration-crm-fields")


def _edit_page(
    request: HttpRequest,
    definition: FieldDefinition,
    form: FieldEditForm,
    status: int = 200,
    error: str = "",
) -> HttpResponse:
    context = {
        "nav_area": "administration",
        "admin_area": "crm-fields",
        "definition": definition,
        "shared": definition.field_list is not None
        and definition.field_list.definitions.exclude(pk=definition.pk).exists(),
        "form": form,
        "error": error,
    }
    return render(request, "web/admin/crm_field.html", context, status=status)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def field_edit(request: HttpRequest, pk: int) -> HttpResponse:
    definition = _definition_or_404(pk)
    if request.method != "POST":
        return _edit_page(request, definition, FieldEditForm(definition=definition))
    form = FieldEditForm(request.POST, definition=definition)
    body = form.api_data()
    if body is None:
        return _edit_page(request, definition, form, status=400)
    try:
        services.update_definition(
            context=context_from(request), definition=definition, changes=body
        )
    except ServiceError as refused:
        return _edit_page(request, definition, form, status=show_on_form(form, refused))
    messages.success(request, "Changes saved.")
    return redirect("administration-crm-field", pk=definition.pk)


@require_POST
@only_for(require_admin)
def field_delete(request: HttpRequest, pk: int) -> HttpResponse:
    definition = _definition_or_404(pk)
    try:
        services.delete_definition(context=context_from(request), definition=definition)
    except ServiceError as refused:
        outcome = service_error(refused)
        form = FieldEditForm(definition=definition)
        return _edit_page(request, definition, form, outcome.status, outcome.message)
    messages.success(request, f"The field {definition.label} was deleted.")
    return redirect("administration-crm-fields")


urlpatterns: list[URLPattern] = [
    path("administration/crm-fields/", field_list, name="administration-crm-fields"),
    path("administration/crm-fields/<int:pk>/", field_edit, name="administration-crm-field"),
    path(
        "administration/crm-fields/<int:pk>/delete/",
        field_delete,
        name="administration-crm-field-delete",
    ),
]
