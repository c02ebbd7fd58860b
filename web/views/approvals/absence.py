"""`/inbox/absence/`: the signed-in user's out of office (`lifecycle.services.absences`, as
`GET/PUT/DELETE /api/v1/approvals/absence/`).

The page has no user field: one sets and ends only one's own absence, the service refuses
oneself or an unknown user as substitute and a period that is over, and says so on the form.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from audit.record import context_from
from lifecycle.services import absences
from web.forms.approvals import AbsenceForm
from web.outcomes import ServiceError, show_on_form


def _page(request: HttpRequest, form: AbsenceForm, status: int = 200) -> HttpResponse:
    absence = absences.absence_of(request.user)
    context = {
        "nav_area": "inbox",
        "form": form,
        "absence": absence,
        "is_current": absence is not None and absences.is_current(absence),
    }
    return render(request, "web/approvals/absence.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def absence_page(request: HttpRequest) -> HttpResponse:
    """The setting, filled with the current one; a POST saves it (Save absence)."""
    if request.method == "GET":
        current = absences.absence_of(request.user)
        initial = (
            {
                "substitute": current.substitute.get_username(),
                "starts": current.starts,
                "ends": current.ends,
            }
            if current
            else {}
        )
        return _page(request, AbsenceForm(initial=initial))
    form = AbsenceForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        absence = absences.set_absence(
            context=context_from(request),
            substitute=form.cleaned_data["substitute"].strip(),
            starts=form.cleaned_data["starts"],
            ends=form.cleaned_data["ends"],
        )
    except ServiceError as refused:
        return _page(request, form, status=show_on_form(form, refused))
    messages.success(
        request,
        f"Absence saved: {absence.substitute.get_username()} receives your tasks until "
        f"{absence.ends:%Y-%m-%d %H:%M} UTC.",
    )
    return redirect("inbox-absence")


@login_required
@require_POST
def end_absence(request: HttpRequest) -> HttpResponse:
    if absences.end_absence(context=context_from(request)):
        messages.success(request, "Absence ended: your tasks reach you again.")
    return redirect("inbox-absence")
