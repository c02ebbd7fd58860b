"""The `escalate` job: reminders before a task's deadline, and what happens when it passes.

Run periodically (Celery beat in production, `manage.py escalate` from cron in embedded mode),
it takes the moment as a parameter so that tests freeze the clock. For each open task with a
deadline:
- once the reminder point is reached (`KONTOR_REMINDER_LEAD_HOURS` before the deadline, at most
  half the time the step gave), its approvers are reminded, once (`reminded_at`);
- once the deadline has passed, the task is marked overdue, once (`overdue_at`), the approver
  and the route's owner are e-mailed, and when the step names an `escalation` principal the task
  (and its access to the version) goes to them, audited as `approval.escalate` (else
  `approval.overdue`). A task handed on this way has no new deadline.
Each task is handled in its own transaction, so a failure leaves the others done and a second
run of the job repeats nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.record import RequestContext, record
from lifecycle.models import ApprovalTask, RouteRun, RunStatus, TaskStatus
from lifecycle.services import notify
from lifecycle.services.absences import stand_in
from lifecycle.services.reassign import hand_over
from lifecycle.services.steps import steps_of
from repository.models import Document


@dataclass(frozen=True)
class Escalated:
    """What one run of the job did."""

    reminded: int
    overdue: int
    escalated: int


def _open_with_deadline() -> QuerySet[ApprovalTask]:
    return ApprovalTask.objects.filter(
        status=TaskStatus.PENDING, run__status=RunStatus.RUNNING, due_at__isnull=False
    )


def reminder_point(task: ApprovalTask) -> datetime:
    assert task.due_at is not None
    lead = timedelta(hours=settings.KONTOR_REMINDER_LEAD_HOURS)
    return task.due_at - min(lead, (task.due_at - task.created_at) / 2)


def _remind(task_id: int, now: datetime) -> bool:
    with transaction.atomic():
        task = (
            ApprovalTask.objects.select_for_update(of=("self",))
            .select_related("run__document", "run__route_version")
            .get(pk=task_id)
        )
        if (
            task.status != TaskStatus.PENDING
            or task.reminded_at is not None
            or task.overdue_at is not None
            or task.due_at is None
            or not reminder_point(task) <= now < task.due_at
        ):
            return False
        task.reminded_at = now
        task.save(update_fields=["reminded_at"])
        notify.reminder(task, task.run)
    return True


def _mark_overdue(task_id: int, now: datetime) -> tuple[bool, bool]:
    """(marked overdue, handed to the escalation principal)."""
    with transaction.atomic():
        found = ApprovalTask.objects.filter(pk=task_id)
        document_id = found.values_list("run__document_id", flat=True).first()
        if document_id is None:
            return False, False
        # The order every lifecycle change takes: the document row, then the run.
        Document.objects.select_for_update().get(pk=document_id)
        task = ApprovalTask.objects.get(pk=task_id)
        run = (
            RouteRun.objects.select_for_update(of=("self",))
            .select_related("document", "route_version__route__owner")
            .get(pk=task.run_id)
        )
        if (
            not run.is_running
            or task.status != TaskStatus.PENDING
            or task.overdue_at is not None
            or task.due_at is None
            or task.due_at > now
        ):
            return False, False
        task.overdue_at = now
        task.save(update_fields=["overdue_at"])
        previous = task.principal
        escalation = steps_of(run)[task.step].get("escalation")
        handed = False
        if escalation and escalation != previous:
            taken = set(
                ApprovalTask.objects.filter(run=run, step=task.step)
                .exclude(pk=task.pk)
                .values_list("principal", flat=True)
            )
            if escalation not in taken:
                target, on_behalf_of = stand_in(escalation, run=run, now=now, taken=taken)
                hand_over(task, run, to=target, on_behalf_of=on_behalf_of)
                handed = True
        record(
            RequestContext.system(),
            "approval.escalate" if handed else "approval.overdue",
            object_type="document",
            object_id=run.document_id,
            details={
                "run": run.pk,
                "task": task.pk,
                "step": task.step,
                "due_at": task.due_at.isoformat(),
                "from": previous,
                "to": task.principal,
                "on_behalf_of": task.on_behalf_of,
            },
        )
        notify.overdue(task, run, previous=previous)
        if handed:
            notify.task_reached(task, run)
    return True, handed


def escalate(*, now: datetime | None = None) -> Escalated:
    """Remind and escalate every open task whose moment has come (`now`: the clock's)."""
    now = now or timezone.now()
    lead = timedelta(hours=settings.KONTOR_REMINDER_LEAD_HOURS)
    due_soon = _open_with_deadline().filter(
        reminded_at__isnull=True, overdue_at__isnull=True, due_at__gt=now, due_at__lte=now + lead
    )
    reminded = sum(
        _remind(task_id, now) for task_id in due_soon.values_list("pk", flat=True).order_by("pk")
    )
    overdue = escalated = 0
    late = _open_with_deadline().filter(overdue_at__isnull=True, due_at__lte=now)
    for task_id in late.order_by("due_at", "pk").values_list("pk", flat=True):
        marked, handed = _mark_overdue(task_id, now)
        overdue += marked
        escalated += handed
    return Escalated(reminded=reminded, overdue=overdue, escalated=escalated)
