"""Finding an approval task for a caller who may act on it: one lookup, one refusal shape.

A task the caller may not act on answers 403 (recorded as a refusal) when they may see its
document, and 404 otherwise, so a task id tells a stranger nothing.
"""

from collections.abc import Callable
from typing import Any

from core.errors import Forbidden, NotFound
from lifecycle.models import ApprovalTask
from permissions.access import MAX_ID, record_refusal
from permissions.selectors import documents_for


def task_for(
    actor: Any,
    task_id: Any,
    *,
    related: str,
    may_act: Callable[[ApprovalTask], bool],
    permission: str,
    reason: str,
    refusal: Forbidden,
) -> ApprovalTask:
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    task = (
        ApprovalTask.objects.select_related(related).filter(pk=pk).first()
        if 0 < pk <= MAX_ID
        else None
    )
    if task is None:
        raise NotFound("No such approval task.")
    if may_act(task):
        return task
    if not documents_for(actor).filter(pk=task.run.document_id).exists():
        raise NotFound("No such approval task.")
    record_refusal(
        actor, object_type="approval_task", object_id=task.pk, permission=permission, reason=reason
    )
    raise refusal
