"""Generate document on a deal page: choose a template, see the variables it will fill with
the deal's values, choose the format, Generate. The document is saved through the use case the
API's render calls (`save`), linked to the deal, and its page opens."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from crm.models import Entity
from repository.models import Folder
from templating.services import rendering
from templating.services.context import build_filling
from templating.services.templates import get_template, templates_for
from web.forms.templates import GenerateForm
from web.outcomes import ServiceError, show_on_form
from web.views.crm import records
from web.views.crm.kinds import KINDS
from web.views.documents.listing import filing_choices, folder_labels

MAX_SHOWN = 200


def _value(data: Any, path: str) -> str:
    """What a dotted variable reads from the filling, as the preview shows it."""
    value: Any = data
    for name in path.split("."):
        if not isinstance(value, dict) or name not in value:
            return "—"
        value = value[name]
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return f"{len(value)} rows"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items() if not isinstance(v, dict | list))
    return str(value)[:MAX_SHOWN]


def _preview(request: HttpRequest, deal: Any, template_id: Any) -> list[tuple[str, str]]:
    try:
        template = get_template(request.user, template_id)
    except ServiceError:
        return []
    assert template.current_version is not None
    filling = build_filling(request.user, records={Entity.DEAL.value: deal.pk})
    return [(name, _value(filling.data, name)) for name in template.current_version.variables]


def _folder(folder_id: int | None) -> Folder | None:
    # one of the form's choices: a folder the user files into (the service checks it again)
    return None if folder_id is None else Folder.objects.get(pk=folder_id)


@require_http_methods(["GET", "POST"])
@login_required
def generate_document(request: HttpRequest, pk: int) -> HttpResponse:
    kind = KINDS[Entity.DEAL]
    deal = records.record_or_404(request, kind, pk)
    choices = [(t.pk, t.name) for t in templates_for(request.user).order_by("name", "id")]
    folders = filing_choices(request.user, folder_labels(request.user))
    status = 200
    if request.method != "POST":
        form = GenerateForm(request.GET or None, templates=choices, folders=folders)
        chosen = request.GET.get("template")
    else:
        form = GenerateForm(request.POST, templates=choices, folders=folders)
        chosen = request.POST.get("template")
        if form.is_valid():
            try:
                rendered = rendering.render_template(
                    context=context_from(request),
                    template=get_template(request.user, form.cleaned_data["template"]),
                    records={Entity.DEAL.value: deal.pk},
                    output=form.cleaned_data["format"],
                    save=True,
                    folder=_folder(form.cleaned_data["folder"]),
                    title=form.cleaned_data["title"],
                )
            except ServiceError as refused:
                status = show_on_form(form, refused)
            else:
                assert rendered.document is not None
                return redirect("document", pk=rendered.document.pk)
        else:
            status = 400
    context = {
        "nav_area": "crm",
        "kind": kind,
        "kinds": KINDS.values(),
        "record": deal,
        "form": form,
        "has_templates": bool(choices),
        "preview": _preview(request, deal, chosen) if chosen else [],
    }
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        return render(request, "web/crm/_generate_preview.html", context)
    return render(request, "web/crm/generate.html", context, status=status)
