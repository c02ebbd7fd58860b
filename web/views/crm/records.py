"""Lists, create forms, record pages and edit forms of leads, contacts, companies and deals.

Lists run the API list's own query (`records_for` narrowed by `filtered_records`); forms are
checked by the API's write serializers and saved by `crm.services.records`, so visibility,
required fields and audit events are the API's. A record out of sight is the 404 page.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from crm.models import Entity, FieldDefinition, LeadStatus, Pipeline, Stage
from crm.selectors import (
    RELATED,
    filtered_records,
    get_record,
    linked_documents,
    may_manage,
    record_exists,
    records_for,
    shared_with,
)
from crm.serializers import (
    CompanyWriteSerializer,
    ContactWriteSerializer,
    DealWriteSerializer,
    LeadWriteSerializer,
    RecordWriteSerializer,
)
from crm.services import records as services
from web.forms._api_rules import checked_by
from web.forms.crm import CUSTOM_PREFIX, RecordForm, initial_of, list_items
from web.outcomes import ServiceError, service_error, show_on_form
from web.views.crm import privacy
from web.views.crm.kinds import KINDS, Kind, related_choices

PAGE_SIZE = 50
WRITE: dict[str, type[RecordWriteSerializer]] = {
    Entity.LEAD: LeadWriteSerializer,
    Entity.CONTACT: ContactWriteSerializer,
    Entity.COMPANY: CompanyWriteSerializer,
    Entity.DEAL: DealWriteSerializer,
}


def definitions(entity: str) -> list[FieldDefinition]:
    return list(FieldDefinition.objects.filter(entity=entity).select_related("field_list"))


def _page_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _list_page(
    request: HttpRequest, kind: Kind, form: RecordForm, status: int = 200
) -> HttpResponse:
    filter_error = ""
    records = records_for(request.user, kind.entity)
    try:
        records = filtered_records(kind.entity, records, request.GET)
    except ServiceError as error:
        outcome = service_error(error)
        filter_error, status = outcome.message, outcome.status
        records = records.none()
    records = records.select_related(*RELATED[kind.entity]).order_by("-id")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "nav_area": "crm",
        "kind": kind,
        "kinds": KINDS.values(),
        "page": page,
        "page_query": _page_query(request),
        "form": form,
        "filter_error": filter_error,
        "query": request.GET,
        "statuses": LeadStatus.choices,
        "pipelines": Pipeline.objects.all(),
    }
    return render(request, "web/crm/list.html", context, status=status)


def _form(
    request: HttpRequest, kind: Kind, data: Any = None, record: Any = None, **kwargs: Any
) -> RecordForm:
    choices = related_choices(request.user, kind.entity, record)
    if kind.entity == Entity.DEAL and record is not None:
        stages = Stage.objects.filter(pipeline_id=record.pipeline_id)
        choices["stage"] = [(stage.code, stage.name) for stage in stages]
    form = RecordForm(
        kind.entity,
        definitions(kind.entity),
        data,
        choices=choices,
        editing=record is not None,
        **kwargs,
    )
    closed = (LeadStatus.CONVERTED, LeadStatus.JUNK)
    if kind.entity == Entity.LEAD and record is not None and record.status in closed:
        del form.fields["status"]  # a closed lead keeps its status
    return form


def _checked(form: RecordForm, kind: Kind, partial: bool = False) -> dict[str, Any] | None:
    if not form.is_valid():
        return None
    return checked_by(form, WRITE[kind.entity], form.api_data(), partial=partial)


@require_http_methods(["GET", "POST"])
@login_required
def record_list(request: HttpRequest, entity: str) -> HttpResponse:
    kind = KINDS[entity]
    if request.method != "POST":
        return _list_page(request, kind, _form(request, kind))
    form = _form(request, kind, request.POST)
    data = _checked(form, kind)
    if data is None:
        return _list_page(request, kind, form, status=400)
    fields = data.pop("fields", None)
    try:
        created = services.create_record(
            context=context_from(request), entity=kind.entity, data=data, fields=fields
        )
    except ServiceError as refused:
        return _list_page(request, kind, form, status=show_on_form(form, refused))
    messages.success(request, f"The {kind.one} {created} was created.")
    return redirect(kind.url(created.pk))


def _custom_values(entity: str, record: Any) -> list[tuple[str, Any]]:
    """(label, shown value) of each custom field the record has a value for."""
    shown = []
    for definition in definitions(entity):
        value = record.fields.get(definition.code)
        if value is None:
            continue
        if definition.field_list_id is not None:
            value = dict(list_items(definition)).get(str(value), value)
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        shown.append((definition.label, value))
    return shown


def _linked(user: Any, entity: str, record_id: int | None) -> dict[str, Any] | None:
    """A related record for a link, or None when there is none; one out of the user's sight
    is named only as such."""
    if record_id is None:
        return None
    if not record_exists(user, entity, record_id):
        return {"kind": KINDS[entity], "hidden": True}
    record = records_for(user, entity).get(pk=record_id)
    return {"kind": KINDS[entity], "url": KINDS[entity].url(record_id), "name": str(record)}


# The records a record page links to, per kind.
SHOWN_RELATED: dict[str, list[str]] = {
    Entity.CONTACT: [Entity.COMPANY],
    Entity.DEAL: [Entity.LEAD, Entity.CONTACT, Entity.COMPANY],
}


def related_of(user: Any, entity: str, record: Any) -> list[dict[str, Any]]:
    names = SHOWN_RELATED.get(entity, [])
    links = [_linked(user, name, getattr(record, f"{name}_id")) for name in names]
    return [link for link in links if link is not None]


def converted_of(user: Any, lead: Any) -> list[dict[str, Any]]:
    links = [
        _linked(user, name, getattr(lead, f"converted_{name}_id"))
        for name in (Entity.CONTACT, Entity.COMPANY, Entity.DEAL)
    ]
    return [link for link in links if link is not None]


def record_context(request: HttpRequest, kind: Kind, record: Any) -> dict[str, Any]:
    """What every record page shows: its fields, related records and visible documents."""
    return {
        "nav_area": "crm",
        "kind": kind,
        "kinds": KINDS.values(),
        "record": record,
        "custom": _custom_values(kind.entity, record),
        "related": related_of(request.user, kind.entity, record),
        "documents": list(linked_documents(request.user, kind.entity, record.pk)),
        "shared_with": shared_with(kind.entity, [record.pk]).get(record.pk, []),
        "may_manage": may_manage(request.user, record),
        "privacy": privacy.actions(request.user, kind.entity, record),
    }


@login_required
def record_page(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    # Imported here: the lead page is the conversion module's (it adds the dialog).
    from web.views.crm.conversion import lead_page

    kind = KINDS[entity]
    record = record_or_404(request, kind, pk)
    if entity == Entity.LEAD:
        return lead_page(request, record)
    return render(request, "web/crm/detail.html", record_context(request, kind, record))


def record_or_404(request: HttpRequest, kind: Kind, pk: Any) -> Any:
    try:
        return get_record(request.user, kind.entity, pk)
    except ServiceError as error:
        service_error(error)  # the 404 page
        raise


@require_http_methods(["GET", "POST"])
@login_required
def record_edit(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    kind = KINDS[entity]
    record = record_or_404(request, kind, pk)
    status = 200
    if request.method != "POST":
        initial = initial_of(entity, record, definitions(entity))
        form = _form(request, kind, record=record, initial=initial)
    else:
        form = _form(request, kind, request.POST, record=record)
        data = _checked(form, kind, partial=True)
        if data is not None:
            fields = data.pop("fields", None)
            try:
                services.update_record(
                    context=context_from(request),
                    entity=entity,
                    record_id=record.pk,
                    changes=data,
                    fields=fields,
                )
            except ServiceError as refused:
                status = show_on_form(form, refused)
            else:
                messages.success(request, "Changes saved.")
                return redirect(kind.url(record.pk))
        else:
            status = 400
    context = {
        "nav_area": "crm",
        "kind": kind,
        "kinds": KINDS.values(),
        "record": record,
        "form": form,
        "custom_prefix": CUSTOM_PREFIX,
    }
    return render(request, "web/crm/edit.html", context, status=status)
