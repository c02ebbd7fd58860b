"""Reassigning an open task to another principal: the route's owner or an administrator hands
an approver's task (and with it the access to the version under review) to someone else.

A user who is away at that moment has it go to their substitute, as any task that reaches them
(`absences.stand_in`); the new holder is e-mailed. An approver, a substitute included, cannot
pass a task on: only the route's owner or an administrator reassigns.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Forbidden, Invalid
from lifecycle.models import ApprovalTask, RouteRun, TaskStatus
from lifecycle.services import notify
from lifecycle.services.absences import stand_in
from lifecycle.services.tasks import task_for
from permissions.acl import unknown_principals
from permissions.principals import is_admin
from permissions.review import move_review
from repository.models import Document
from repository.outbox import document_changed


def _task(actor: Any, task_id: Any) -> ApprovalTask:
    """The task if `actor` owns its route or administers; 403 if they may see its document,
    else 404."""
    return task_for(
        actor,
        task_id,
        related="run__route_version__route",
        may_act=lambda task: task.run.route_version.route.owner_id == actor.pk or is_admin(actor),
        permission="reassign",
        reason="not_route_owner",
        refusal=Forbidden(
            "Only the route's owner or an administrator reassigns a task.", code="not_owner"
        ),
    )


def reassign(*, context: RequestContext, task_id: Any, principal: str) -> ApprovalTask:
    task = _task(context.user, task_id)
    if unknown_principals({principal}):
        raise Invalid({"to": [f"Unknown principal: {principal}."]}, code="unknown_principal")
    with transaction.atomic():
        # The order every lifecycle change takes: the document row, then the run.
        Document.objects.select_for_update().get(pk=task.run.document_id)
        run = (
            RouteRun.objects.select_for_update(of=("self",))
            .select_related("document", "route_version")
            .get(pk=task.run_id)
        )
        task = ApprovalTask.objects.get(pk=task.pk)
        if not run.is_running or task.status != TaskStatus.PENDING:
            raise Conflict("This task is no longer open.", code="task_closed")
        if task.principal == principal:
            return task
        taken = set(
            ApprovalTask.objects.filter(run=run, step=task.step)
            .exclude(pk=task.pk)
            .values_list("principal", flat=True)
        )
        if principal in taken:
            raise Conflict(
                f"{principal} already has a task in this step.", code="already_an_approver"
            )
        target, on_behalf_of = stand_in(principal, run=run, now=timezone.now(), taken=taken)
        previous = task.principal
        hand_over(task, run, to=target, on_behalf_of=on_behalf_of)
        record(
            context,
            "approval.reassign",
            object_type="document",
            object_id=run.document_id,
            details={
                "run": run.pk,
                "task": task.pk,
                "from": previous,
                "to": target,
                "asked_for": principal,
                "on_behalf_of": on_behalf_of,
            },
        )
        notify.task_reached(task, run)
    return task


def hand_over(task: ApprovalTask, run: RouteRun, *, to: str, on_behalf_of: str) -> None:
    """Give the task, and its access to the version under review, to `to` (inside the
    caller's transaction, with the document and run rows locked)."""
    previous = task.principal
    task.principal = to
    task.on_behalf_of = on_behalf_of
    task.save(update_fields=["principal", "on_behalf_of"])
    if previous != to:
        move_review(run_id=run.pk, from_principal=previous, to_principal=to)
        document_changed(run.document_id)  # who may view it changed: reindex its view terms
