"""`/inbox/`: the caller's open approval tasks, newest first, each with its own decision form.

The list is `lifecycle.services.inbox.inbox` (what `GET /approvals/inbox/` answers); a decision
is `lifecycle.services.decisions.decide`, read by the API's `DecideSerializer`. A decided task
leaves the list; a refusal shows the list again with the message at the task and the service's
status (400 for a reject or return without a comment, 409 for a closed task or run).
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit.record import context_from
from lifecycle.api.serializers import DecideSerializer
from lifecycle.models import Decision
from lifecycle.services import decisions
from lifecycle.services.absences import absence_of, is_current
from lifecycle.services.inbox import inbox, is_overdue
from web.outcomes import ServiceError, service_error

PAGE_SIZE = 20
DONE: dict[str, str] = {
    Decision.APPROVE: "Approved",
    Decision.REJECT: "Rejected",
    Decision.RETURN: "Returned",
}


def _inbox(
    request: HttpRequest,
    *,
    status: int = 200,
    failed_task: int | None = None,
    error: str = "",
    comment: str = "",
) -> HttpResponse:
    page = Paginator(inbox(actor=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    tasks: list[dict[str, Any]] = [
        {
            "task": task,
            "document": task.run.document,
            "step_name": str(task.run.route_version.steps[task.step]["name"]),
            "overdue": is_overdue(task),
            "error": error if task.pk == failed_task else "",
            "comment": comment if task.pk == failed_task else "",
        }
        for task in page.object_list
    ]
    absence = absence_of(request.user)
    context = {
        "nav_area": "inbox",
        "absence_note": f"you are away, {absence.substitute.get_username()} stands in"
        if absence is not None and is_current(absence)
        else "",
        "page": page,
        "tasks": tasks,
        # A refusal for a task no longer listed (decided meanwhile) shows above the list.
        "error": error if failed_task not in {t["task"].pk for t in tasks} else "",
    }
    return render(request, "web/approvals/inbox.html", context, status=status)


@login_required
@require_GET
def inbox_page(request: HttpRequest) -> HttpResponse:
    return _inbox(request)


@login_required
@require_POST
def decide(request: HttpRequest, task_id: int) -> HttpResponse:
    """Approve, reject or return one task; back to the inbox (the page it was on)."""
    comment = request.POST.get("comment", "")
    try:
        form = DecideSerializer(data=request.POST)
        form.is_valid(raise_exception=True)
        sign_off = decisions.decide(
            context=context_from(request),
            task_id=task_id,
            decision=form.validated_data["decision"],
            comment=form.validated_data["comment"],
        )
    except ServiceError as refused:
        outcome = service_error(refused)  # a task one may not see is the 404 page
        return _inbox(
            request,
            status=outcome.status,
            failed_task=task_id,
            error=outcome.message,
            comment=comment,
        )
    title = sign_off.run.document.title
    messages.success(request, f"{DONE[sign_off.decision]}: {title}.")
    page = request.GET.get("page", "")
    target = reverse("inbox")
    return redirect(f"{target}?page={page}" if page.isdigit() else target)
