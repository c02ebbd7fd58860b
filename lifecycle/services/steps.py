"""Starting and ending a run's steps: tasks for the step's approvers, and their review grants.

While a step runs, its approver principals hold `permissions.review` grants on the version under
review; they are written with the step's tasks and removed when the step ends, in the same
transaction, so access ends exactly when the step does.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from audit.record import RequestContext, record
from lifecycle.models import ApprovalTask, RouteRun, TaskStatus
from lifecycle.services import notify
from lifecycle.services.absences import stand_in
from permissions.review import end_review, grant_review
from repository.outbox import document_changed


def steps_of(run: RouteRun) -> list[dict[str, Any]]:
    return list(run.route_version.steps)


def start_step(run: RouteRun, index: int) -> None:
    step = steps_of(run)[index]
    now = timezone.now()
    hours = step.get("deadline_hours")
    due_at = now + timedelta(hours=hours) if hours else None
    taken = set(step["approvers"])
    tasks = []
    for approver in step["approvers"]:
        principal, on_behalf_of = stand_in(approver, run=run, now=now, taken=taken)
        taken.add(principal)
        tasks.append(
            ApprovalTask(
                run=run,
                step=index,
                principal=principal,
                on_behalf_of=on_behalf_of,
                created_at=now,
                due_at=due_at,
            )
        )
    tasks = ApprovalTask.objects.bulk_create(tasks)
    grant_review(
        document_id=run.document_id,
        version_id=run.version_id,
        run_id=run.pk,
        principals=[task.principal for task in tasks],
    )
    document_changed(run.document_id)  # the approvers' view terms go into the search index
    for task in tasks:
        if task.on_behalf_of:
            record(
                RequestContext.system(),
                "approval.substitute",
                object_type="document",
                object_id=run.document_id,
                details={
                    "run": run.pk,
                    "task": task.pk,
                    "step": index,
                    "on_behalf_of": task.on_behalf_of,
                    "to": task.principal,
                },
            )
        notify.task_reached(task, run)


def end_step(run: RouteRun) -> None:
    """Close the step's open tasks and take back its approvers' access."""
    ApprovalTask.objects.filter(run=run, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED, closed_at=timezone.now()
    )
    end_review(run_id=run.pk)
    document_changed(run.document_id)
