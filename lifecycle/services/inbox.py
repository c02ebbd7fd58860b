"""The approver's inbox: open tasks of the caller's principals (self, groups, roles), newest
first, less those of steps the caller has decided already; a task whose deadline has passed is
overdue there even before the `escalate` job marks it."""

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from lifecycle.models import ApprovalTask, RunStatus, SignOff, TaskStatus
from permissions.principals import principals_of


def inbox(*, actor: Any) -> QuerySet[ApprovalTask]:
    decided = SignOff.objects.filter(run=OuterRef("run"), step=OuterRef("step"), actor=actor)
    return (
        ApprovalTask.objects.filter(
            principal__in=principals_of(actor),
            status=TaskStatus.PENDING,
            run__status=RunStatus.RUNNING,
        )
        .exclude(Exists(decided))
        .select_related("run__document", "run__route_version", "run__version")
        # The version's extracted text can run to megabytes; no inbox shows it.
        .defer("run__version__text")
        .order_by("-created_at", "-id")
    )


def is_overdue(task: ApprovalTask) -> bool:
    if task.overdue_at is not None:
        return True
    return task.due_at is not None and task.due_at <= timezone.now()
