"""Deciding an approval task, and verifying the signed decisions of a run.

A decision locks the document row and then the run row (the order every lifecycle change
takes), so two approvers deciding one step at once are served one after the other: the second
meets the step as the first left it. Approve counts towards the step's mode (`all`: every
approver principal's task approved; `any`: one approval; `quorum`: n distinct approvers); the
last step's completion approves the document. Reject and return end the run at once.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import require_valid_text
from lifecycle.models import (
    ApprovalTask,
    Decision,
    RouteRun,
    RunStatus,
    SignOff,
    StepMode,
    TaskStatus,
)
from lifecycle.services import notify
from lifecycle.services.steps import end_step, start_step, steps_of
from lifecycle.services.tasks import task_for
from lifecycle.signatures import is_valid, sign, signed_fields
from permissions.access import MAX_ID, get_document
from permissions.principals import principals_of
from repository.models import Document, DocumentStatus
from repository.status import change_status

# What a decision that ends the run makes of the run and of the document.
ENDINGS: dict[str, tuple[str, str, str]] = {
    Decision.REJECT: (RunStatus.REJECTED, DocumentStatus.REJECTED, "route"),
    Decision.RETURN: (RunStatus.RETURNED, DocumentStatus.DRAFT, "approver_return"),
}


def _task_for(actor: Any, task_id: Any) -> ApprovalTask:
    """The task if `actor` holds its principal; 403 if they may see its document, else 404."""
    principals = principals_of(actor)
    return task_for(
        actor,
        task_id,
        related="run",
        may_act=lambda task: task.principal in principals,
        permission="decide",
        reason="not_an_approver",
        refusal=Forbidden("This task is another approver's.", code="not_your_task"),
    )


def _step_complete(run: RouteRun, step: dict[str, Any]) -> bool:
    approvals = SignOff.objects.filter(run=run, step=run.current_step, decision=Decision.APPROVE)
    if step["mode"] == StepMode.ANY:
        return True
    if step["mode"] == StepMode.QUORUM:
        return approvals.values("actor").distinct().count() >= int(step["quorum"])
    return not ApprovalTask.objects.filter(
        run=run, step=run.current_step, status=TaskStatus.PENDING
    ).exists()


def decide(*, context: RequestContext, task_id: Any, decision: str, comment: str = "") -> SignOff:
    """Record the actor's signed decision on the task and move the run (and the document) on."""
    require_valid_text(comment=comment)
    if decision in ENDINGS and not re.search(r"\S", comment):
        raise Invalid({"comment": [f"A comment is required to {decision}."]}, code="required")
    actor = context.user
    task = _task_for(actor, task_id)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=task.run.document_id)
        run = (
            RouteRun.objects.select_for_update()
            .select_related("version", "route_version")
            .get(pk=task.run_id)
        )
        task = ApprovalTask.objects.get(pk=task.pk)
        if not run.is_running:
            raise Conflict(f"The run is already {run.status}.", code="run_finished")
        if task.status != TaskStatus.PENDING or task.step != run.current_step:
            raise Conflict("This task is no longer open.", code="task_closed")
        if SignOff.objects.filter(run=run, step=run.current_step, actor=actor).exists():
            raise Conflict("You have already decided on this step.", code="already_decided")
        decided_at = timezone.now()
        fields = signed_fields(
            run_id=run.pk,
            document_id=run.document_id,
            version_number=run.version.number,
            sha256=run.version.sha256,
            step=run.current_step,
            actor_username=actor.get_username(),
            decision=decision,
            comment=comment,
            decided_at=decided_at,
            on_behalf_of=task.on_behalf_of,
        )
        sign_off = SignOff.objects.create(
            run=run,
            task=task,
            step=run.current_step,
            actor=actor,
            actor_username=actor.get_username(),
            on_behalf_of=task.on_behalf_of,
            decision=decision,
            comment=comment,
            sha256=run.version.sha256,
            decided_at=decided_at,
            signature=sign(fields),
        )
        step = steps_of(run)[run.current_step]
        # A user's task is theirs alone; a group's or role's task in quorum mode stays open to
        # the other members until the quorum is reached.
        if (
            decision != Decision.APPROVE
            or step["mode"] != StepMode.QUORUM
            or task.principal.startswith("user:")
        ):
            task.status = TaskStatus.DONE
            task.closed_at = decided_at
            task.save(update_fields=["status", "closed_at"])
        outcome = _advance(context, run, document, step, decision)
        record(
            context,
            "approval.decide",
            object_type="document",
            object_id=run.document_id,
            details={
                "run": run.pk,
                "task": task.pk,
                "step": sign_off.step,
                "decision": decision,
                "on_behalf_of": sign_off.on_behalf_of,
                "comment": comment,
                "sha256": sign_off.sha256,
                "signature": sign_off.signature,
                "outcome": outcome,
            },
        )
    return sign_off


def _finish(run: RouteRun, status: str) -> None:
    run.status = status
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    end_step(run)
    notify.run_ended(run)


def _advance(
    context: RequestContext, run: RouteRun, document: Document, step: dict[str, Any], decision: str
) -> str:
    """Move the run after a decision; say what became of it."""
    if decision in ENDINGS:
        run_status, document_status, by = ENDINGS[decision]
        _finish(run, run_status)
        change_status(
            context=context,
            document=document,
            target=document_status,
            by=by,
            reason=f"run {run.pk}: {decision}",
        )
        return run_status
    if not _step_complete(run, step):
        return "waiting"
    if run.current_step + 1 >= len(steps_of(run)):
        _finish(run, RunStatus.APPROVED)
        change_status(
            context=context,
            document=document,
            target=DocumentStatus.APPROVED,
            by="route",
            reason=f"run {run.pk} approved",
        )
        return RunStatus.APPROVED
    end_step(run)
    run.current_step += 1
    run.save(update_fields=["current_step"])
    start_step(run, run.current_step)
    return "next_step"


@dataclass(frozen=True)
class Check:
    sign_off: SignOff
    valid: bool


def verify_run(*, actor: Any, run_id: Any) -> tuple[RouteRun, list[Check]]:
    """Recompute each decision's signature from what is stored (needs `view` on the document):
    a decision changed after it was signed, or signed over other bytes than the run's version,
    does not verify."""
    try:
        pk = int(run_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    run = (
        RouteRun.objects.select_related("version").filter(pk=pk).first()
        if 0 < pk <= MAX_ID
        else None
    )
    if run is None:
        raise NotFound("No such run.")
    get_document(actor, run.document_id)
    checks = []
    for sign_off in SignOff.objects.filter(run=run).order_by("step", "decided_at", "id"):
        fields = signed_fields(
            run_id=run.pk,
            document_id=run.document_id,
            version_number=run.version.number,
            sha256=sign_off.sha256,
            step=sign_off.step,
            actor_username=sign_off.actor_username,
            decision=sign_off.decision,
            comment=sign_off.comment,
            decided_at=sign_off.decided_at,
            on_behalf_of=sign_off.on_behalf_of,
        )
        valid = sign_off.sha256 == run.version.sha256 and is_valid(fields, sign_off.signature)
        checks.append(Check(sign_off, valid))
    return run, checks
