"""Starting and ending a run's steps: tasks for the step's approvers, and their review grants.

While a step runs, its approver principals hold `permissions.review` grants on the version under
review; they are written with the step's tasks and removed when the step ends, in the same
transaction, so access ends exactly when the step does.
"""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from lifecycle.models import ApprovalTask, RouteRun, TaskStatus
from permissions.review import end_review, grant_review
from repository.outbox import document_changed


def steps_of(run: RouteRun) -> list[dict[str, Any]]:
    return list(run.route_version.steps)


def start_step(run: RouteRun, index: int) -> None:
    step = steps_of(run)[index]
    now = timezone.now()
    hours = step.get("deadline_hours")
    due_at = now + timedelta(hours=hours) if hours else None
    ApprovalTask.objects.bulk_create(
        ApprovalTask(run=run, step=index, principal=principal, created_at=now, due_at=due_at)
        for principal in step["approvers"]
    )
    grant_review(
        document_id=run.document_id,
        version_id=run.version_id,
        run_id=run.pk,
        principals=step["approvers"],
    )
    document_changed(run.document_id)  # the approvers' view terms go into the search index


def end_step(run: RouteRun) -> None:
    """Close the step's open tasks and take back its approvers' access."""
    ApprovalTask.objects.filter(run=run, status=TaskStatus.PENDING).update(
        status=TaskStatus.CLOSED, closed_at=timezone.now()
    )
    end_review(run_id=run.pk)
    document_changed(run.document_id)
