"""Legal holds for records managers: the list, **Place hold** and **Release hold**.

Both changes go through `repository.services.holds` (the API's services: audited as `hold.place` and
`hold.lift`); a held document or folder then answers 409 `legal_hold` to every move or delete.
"""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit.record import context_from
from permissions.access import MAX_ID, require_records_manager
from repository.models import LegalHold
from repository.services import holds as hold_services
from web.forms.audit import HoldForm
from web.outcomes import ServiceError, only_for, service_error, show_on_form

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@only_for(require_records_manager)
def hold_list(request: HttpRequest) -> HttpResponse:
    """The holds, newest first (lifted ones stay listed); a POST places one."""
    if request.method != "POST":
        return _holds_page(request, HoldForm())
    form = HoldForm(request.POST)
    if not form.is_valid():
        return _holds_page(request, form, status=400)
    try:
        hold = hold_services.place_hold(
            context=context_from(request),
            object_type=form.cleaned_data["object_type"],
            object_id=form.cleaned_data["object_id"],
            reason=form.cleaned_data["reason"],
        )
    except ServiceError as refused:
        return _holds_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"Hold placed on {hold.object_type} {hold.object_id}.")
    return redirect("audit-holds")


@require_POST
@only_for(require_records_manager)
def release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = LegalHold.objects.filter(pk=pk).first() if pk <= MAX_ID else None
    if hold is None:
        raise Http404("No such hold.")
    try:
        hold_services.lift_hold(context=context_from(request), hold=hold)
    except ServiceError as refused:
        outcome = service_error(refused)
        messages.error(request, outcome.message)
        return _holds_page(request, HoldForm(), status=outcome.status)
    messages.success(request, f"Hold released on {hold.object_type} {hold.object_id}.")
    return redirect("audit-holds")


def _holds_page(request: HttpRequest, form: HoldForm, status: int = 200) -> HttpResponse:
    found = LegalHold.objects.select_related("placed_by", "lifted_by")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {"nav_area": "audit", "form": form, "page": page}
    return render(request, "web/audit/holds.html", context, status=status)
