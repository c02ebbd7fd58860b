"""The Approval section's buttons: **Submit for approval** and **Withdraw** call `submit` and
`withdraw` (`lifecycle.services.runs`), which check `edit` + `manage_acl` and the submitter
themselves; **Reassign** calls `lifecycle.services.reassign.reassign` (the route's owner or an
administrator); a refusal shows the document page with the service's message and status."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from audit.record import context_from
from lifecycle.api.serializers import ReassignSerializer, SubmitSerializer
from lifecycle.models import ApprovalTask
from lifecycle.services import reassign as reassigning
from lifecycle.services import runs
from web.outcomes import ServiceError, service_error
from web.views.documents.page import render_document, visible_document


def _back(request: HttpRequest, pk: int, action: Callable[[], object], done: str) -> HttpResponse:
    document = visible_document(request, pk)  # the 404 page for one who may not view it
    try:
        action()
    except ServiceError as refused:
        outcome = service_error(refused)
        return render_document(request, document, status=outcome.status, error=outcome.message)
    messages.success(request, done)
    return redirect(reverse("document", args=[pk]) + "#approval-heading")


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    def run() -> None:
        form = SubmitSerializer(data=request.POST)
        form.is_valid(raise_exception=True)
        runs.submit(
            context=context_from(request), document_id=pk, route_id=form.validated_data["route"]
        )

    return _back(request, pk, run, "Submitted for approval.")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def run() -> None:
        runs.withdraw(context=context_from(request), document_id=pk)

    return _back(request, pk, run, "Withdrawn from approval: the document is a draft again.")


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int, task_id: int) -> HttpResponse:
    """Hand an open task of the document's run to another principal (field **Reassign to**)."""
    if not ApprovalTask.objects.filter(pk=task_id, run__document_id=pk).exists():
        raise Http404("No such approval task.")

    def run() -> None:
        form = ReassignSerializer(data={"to": request.POST.get("to", "").strip()})
        form.is_valid(raise_exception=True)
        reassigning.reassign(
            context=context_from(request), task_id=task_id, principal=form.validated_data["to"]
        )

    return _back(request, pk, run, "Task reassigned.")
