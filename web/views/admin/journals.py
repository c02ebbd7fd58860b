"""Registration journals: the list and a new journal, through the audited service the API
calls (`lifecycle.services.journals.create_journal`)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from lifecycle.services.journals import create_journal, journals
from permissions.access import require_admin
from web.forms.journals import JournalForm
from web.outcomes import ServiceError, only_for, show_on_form

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def journal_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _journals_page(request, JournalForm())
    form = JournalForm(request.POST)
    if not form.is_valid():
        return _journals_page(request, form, status=400)
    try:
        journal = create_journal(
            context=context_from(request),
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            number_format=form.cleaned_data["format"],
        )
    except ServiceError as refused:
        return _journals_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"Journal {journal.code} created.")
    return redirect("administration-journals")


def _journals_page(request: HttpRequest, form: JournalForm, status: int = 200) -> HttpResponse:
    page = Paginator(journals(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"nav_area": "administration", "admin_area": "journals", "form": form, "page": page}
    return render(request, "web/admin/journals.html", context, status=status)
