"""The lead page with its conversion dialog, converting a lead and closing one as junk.

The dialog is a <dialog> in the lead page: kontor.js opens it over the page; without script
the Convert button loads the same page with the dialog open. When the service answers 422
`missing_fields`, the page comes back with the dialog open and an input for each missing field
(labelled with the field's label); their values go to the service's `values`.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from audit.record import context_from
from crm.models import Entity, FieldDefinition, FieldType, LeadStatus, Pipeline
from crm.serializers import ConvertSerializer
from crm.services import conversion
from web.forms.crm import BUILT_IN, list_items
from web.outcomes import ServiceError, missing_fields, service_error
from web.views.crm.kinds import KINDS
from web.views.crm.records import converted_of, record_context, record_or_404

TARGETS = (Entity.CONTACT, Entity.COMPANY, Entity.DEAL)
VALUE_PREFIX = "values."
INPUT_KINDS: dict[str, str] = {
    FieldType.DATE: "date",
    FieldType.BOOLEAN: "yes/no",
    FieldType.LIST: "list",
}


@dataclass
class Asked:
    """One input the dialog asks for: a field a target misses."""

    target: str
    code: str
    label: str
    kind: str  # text, date, yes/no or list
    value: str = ""
    choices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{VALUE_PREFIX}{self.target}.{self.code}"

    @property
    def input_id(self) -> str:
        return f"convert-{self.target}-{self.code}"


@dataclass
class Dialog:
    """The conversion dialog's state: what is chosen and what is asked."""

    open: bool = False
    error: str = ""
    create: list[str] = field(default_factory=list)
    pipeline: str = ""
    transfer_fields: bool = False
    asked: list[Asked] = field(default_factory=list)


def _definitions(target: str) -> dict[str, FieldDefinition]:
    return {item.code: item for item in FieldDefinition.objects.filter(entity=target)}


def _asked(target: str, code: str, value: str) -> Asked:
    built_in = dict(BUILT_IN[target])
    if code in built_in:
        label = f"{target.capitalize()} {built_in[code].lower()}"
        return Asked(target, code, label, "text", value)
    definition = _definitions(target).get(code)
    if definition is None:
        return Asked(target, code, code, "text", value)
    kind = INPUT_KINDS.get(definition.type, "text")
    choices = list_items(definition) if kind == "list" else []
    return Asked(target, code, definition.label, kind, value, choices)


def _posted_values(data: QueryDict) -> dict[tuple[str, str], str]:
    values = {}
    for key in data:
        if not key.startswith(VALUE_PREFIX):
            continue
        target, _, code = key.removeprefix(VALUE_PREFIX).partition(".")
        if target in TARGETS and code:
            values[(target, code)] = data.get(key, "").strip()
    return values


def _typed(target: str, code: str, raw: str) -> Any:
    """A value as the API's JSON would carry it, by the target field's type."""
    if raw == "":
        return None
    definition = _definitions(target).get(code)
    if definition is None:
        return raw
    if definition.type == FieldType.BOOLEAN:
        return {"yes": True, "no": False}.get(raw, raw)
    if definition.type == FieldType.LIST and raw.isdigit():
        return int(raw)
    return raw


def lead_page(
    request: HttpRequest, lead: Any, dialog: Dialog | None = None, status: int = 200
) -> HttpResponse:
    context = record_context(request, KINDS[Entity.LEAD], lead)
    context.update(
        {
            "open_lead": lead.status in (LeadStatus.NEW, LeadStatus.IN_PROGRESS),
            "converted": converted_of(request.user, lead),
            "dialog": dialog or Dialog(),
            "pipelines": Pipeline.objects.all(),
            "targets": [(target, target.capitalize()) for target in TARGETS],
        }
    )
    return render(request, "web/crm/lead.html", context, status=status)


@require_GET
@login_required
def convert_step(request: HttpRequest, pk: int) -> HttpResponse:
    """The lead page with the dialog open (what the Convert button loads without script)."""
    lead = record_or_404(request, KINDS[Entity.LEAD], pk)
    return lead_page(request, lead, Dialog(open=True))


@require_POST
@login_required
def convert(request: HttpRequest, pk: int) -> HttpResponse:
    lead = record_or_404(request, KINDS[Entity.LEAD], pk)
    posted = _posted_values(request.POST)
    dialog = Dialog(
        open=True,
        create=[target for target in request.POST.getlist("create") if target in TARGETS],
        pipeline=request.POST.get("pipeline", ""),
        transfer_fields="transfer_fields" in request.POST,
        asked=[_asked(target, code, value) for (target, code), value in posted.items()],
    )
    values: dict[str, dict[str, Any]] = {}
    for (target, code), raw in posted.items():
        values.setdefault(target, {})[code] = _typed(target, code, raw)
    form = ConvertSerializer(
        data={
            "create": dialog.create,
            "pipeline": dialog.pipeline or None,
            "values": values,
            "transfer_fields": dialog.transfer_fields,
        }
    )
    try:
        form.is_valid(raise_exception=True)
        data = form.validated_data
        conversion.convert_lead(
            context=context_from(request),
            lead_id=lead.pk,
            create=data["create"],
            pipeline_id=data.get("pipeline"),
            values=data.get("values") or {},
            transfer_fields=data["transfer_fields"],
        )
    except ServiceError as refused:
        outcome = service_error(refused)
        asked = {(item.target, item.code) for item in dialog.asked}
        for target, codes in missing_fields(refused).items():
            for code in codes:
                if (target, code) not in asked:
                    dialog.asked.append(_asked(target, code, ""))
        dialog.error = outcome.message
        if outcome.status == 409:
            dialog.open = False  # the lead is closed: nothing left to convert
        lead.refresh_from_db()
        return lead_page(request, lead, dialog, status=outcome.status)
    messages.success(request, "The lead was converted.")
    return redirect(KINDS[Entity.LEAD].url(lead.pk))


@require_POST
@login_required
def junk(request: HttpRequest, pk: int) -> HttpResponse:
    lead = record_or_404(request, KINDS[Entity.LEAD], pk)
    try:
        conversion.junk_lead(context=context_from(request), lead_id=lead.pk)
    except ServiceError as refused:
        outcome = service_error(refused)
        return lead_page(request, lead, Dialog(error=outcome.message), status=outcome.status)
    messages.success(request, "The lead was marked as junk.")
    return redirect(KINDS[Entity.LEAD].url(lead.pk))
