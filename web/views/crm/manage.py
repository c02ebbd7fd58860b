"""Deleting a record (after a confirmation page) and choosing the groups and roles it is shared
with: its owner's and administrators' actions, through `crm.services.records`, the API's use
cases. Someone who sees a record only through a share gets the refusal (403, recorded) as from
the API, and no buttons; someone who does not see it gets the 404 page."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from crm.selectors import get_record, shared_with
from crm.services import records as services
from web.forms.admin import group_choices, role_choices
from web.outcomes import ServiceError, service_error, show_on_form
from web.views.crm.kinds import KINDS, Kind


class ShareForm(forms.Form):
    """Groups and roles as checkboxes; principals shared with otherwise (a user, everyone,
    through the API) are listed too, so saving the form keeps or drops them knowingly."""

    groups = forms.MultipleChoiceField(
        label="Groups", required=False, widget=forms.CheckboxSelectMultiple
    )
    roles = forms.MultipleChoiceField(
        label="Roles", required=False, widget=forms.CheckboxSelectMultiple
    )
    others = forms.MultipleChoiceField(
        label="Others", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, current: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups = [(f"group:{name}", label) for name, label in group_choices()]
        roles = [(f"role:{name}", label) for name, label in role_choices()]
        offered = {value for value, _ in [*groups, *roles]}
        for principal in current:  # a group or role since deleted stays removable
            kind, _, name = principal.partition(":")
            if principal not in offered and kind in ("group", "role"):
                (groups if kind == "group" else roles).append((principal, name))
        others = [(principal, principal) for principal in current if principal not in offered]
        others = [item for item in others if not item[0].startswith(("group:", "role:"))]
        self.fields["groups"].choices = groups  # type: ignore[attr-defined]
        self.fields["roles"].choices = roles  # type: ignore[attr-defined]
        self.fields["others"].choices = others  # type: ignore[attr-defined]
        if not others:
            del self.fields["others"]
        for name, field in self.fields.items():
            values = {value for value, _ in field.choices}  # type: ignore[attr-defined]
            self.initial.setdefault(name, [value for value in current if value in values])

    def principals(self) -> list[str]:
        return sorted({value for name in self.fields for value in self.cleaned_data[name]})


def _managed(request: HttpRequest, kind: Kind, pk: int) -> tuple[Any, str]:
    """The record the user may delete or share, or a refusal message (empty when allowed);
    a record out of sight is the 404 page."""
    try:
        return get_record(request.user, kind.entity, pk, manage=True), ""
    except ServiceError as refused:
        outcome = service_error(refused)  # raises the 404 page for a record out of sight
        return get_record(request.user, kind.entity, pk), outcome.message


def _page(
    request: HttpRequest, template: str, kind: Kind, record: Any, status: int, **extra: Any
) -> HttpResponse:
    context = {"nav_area": "crm", "kind": kind, "kinds": KINDS.values(), "record": record}
    return render(request, template, {**context, **extra}, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def record_delete(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    kind = KINDS[entity]
    record, refusal = _managed(request, kind, pk)
    if refusal:
        return _page(request, "web/crm/delete.html", kind, record, 403, refusal=refusal)
    if request.method != "POST":
        return _page(request, "web/crm/delete.html", kind, record, 200)
    try:
        services.delete_record(context=context_from(request), entity=entity, record_id=record.pk)
    except ServiceError as refused:
        outcome = service_error(refused)
        return _page(
            request, "web/crm/delete.html", kind, record, outcome.status, refusal=outcome.message
        )
    messages.success(request, f"The {kind.one} {record} was deleted.")
    return redirect(kind.list_url())


@require_http_methods(["GET", "POST"])
@login_required
def record_share(request: HttpRequest, entity: str, pk: int) -> HttpResponse:
    kind = KINDS[entity]
    record, refusal = _managed(request, kind, pk)
    if refusal:
        return _page(request, "web/crm/share.html", kind, record, 403, refusal=refusal)
    current = shared_with(entity, [record.pk]).get(record.pk, [])
    if request.method != "POST":
        form = ShareForm(current=current)
        return _page(request, "web/crm/share.html", kind, record, 200, form=form)
    form = ShareForm(request.POST, current=current)
    if not form.is_valid():
        return _page(request, "web/crm/share.html", kind, record, 400, form=form)
    try:
        services.update_record(
            context=context_from(request),
            entity=entity,
            record_id=record.pk,
            changes={},
            shared_with=form.principals(),
        )
    except ServiceError as refused:
        status = show_on_form(form, refused)
        return _page(request, "web/crm/share.html", kind, record, status, form=form)
    messages.success(request, "Sharing saved.")
    return redirect(kind.url(record.pk))


def manage_paths(entity: str) -> list[URLPattern]:
    kind = KINDS[entity]
    kwargs = {"entity": entity}
    return [
        path(
            f"crm/{kind.many}/<int:pk>/delete/",
            record_delete,
            kwargs,
            name=f"crm_{kind.one}_delete",
        ),
        path(
            f"crm/{kind.many}/<int:pk>/sharing/",
            record_share,
            kwargs,
            name=f"crm_{kind.one}_share",
        ),
    ]
