"""E-mails of approval routes: a task reached its approvers, its deadline nears or has passed,
a run ended.

Each is sent after the change's transaction commits (a decision rolled back mails no one), to
the active users behind a principal who have an address. A mail server that fails is logged
and costs nothing else: the change it reports stands.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q

from lifecycle.models import ApprovalTask, RouteRun
from permissions.models import Role

logger = logging.getLogger(__name__)


def addresses(principals: Iterable[str]) -> list[str]:
    """The e-mail addresses of the active users a set of principals names (members of a group,
    holders of a role, administrators for `role:admin`)."""
    condition = Q(pk__in=[])
    for principal in principals:
        kind, _, name = principal.partition(":")
        if kind == "user":
            condition |= Q(username=name)
        elif kind == "group":
            condition |= Q(groups__name=name)
        elif kind == "role":
            condition |= Q(role_assignments__role=name)
            if name == Role.ADMIN:
                condition |= Q(is_superuser=True)
    found = get_user_model().objects.filter(condition, is_active=True).exclude(email="")
    return sorted(set(found.values_list("email", flat=True)))


def _link(path: str) -> str:
    return f"{settings.KONTOR_PUBLIC_URL}{path}"


def _send(subject: str, body: str, recipients: list[str]) -> None:
    if not recipients:
        return
    # One message per person: recipients do not learn who else was asked.
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients]

    def send() -> None:
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:
            logger.exception("could not send the e-mail %r", subject)

    transaction.on_commit(send)


def _task_text(task: ApprovalTask, run: RouteRun) -> str:
    step = run.route_version.steps[task.step]
    lines = [
        f"Document: {run.document.title}",
        f"Step: {step['name']}",
        f"Due: {task.due_at:%Y-%m-%d %H:%M %Z}" if task.due_at else "Due: no deadline",
    ]
    if task.on_behalf_of:
        lines.append(f"On behalf of: {task.on_behalf_of} (away)")
    lines.append(f"Decide in your inbox: {_link('/inbox/')}")
    return "\n".join(lines) + "\n"


def task_reached(task: ApprovalTask, run: RouteRun) -> None:
    _send(
        f"Approval requested: {run.document.title}",
        _task_text(task, run),
        addresses([task.principal]),
    )


def reminder(task: ApprovalTask, run: RouteRun) -> None:
    _send(
        f"Reminder, approval due soon: {run.document.title}",
        _task_text(task, run),
        addresses([task.principal]),
    )


def overdue(task: ApprovalTask, run: RouteRun, *, previous: str) -> None:
    """The deadline passed: the approver it passed with and the route's owner hear of it."""
    text = _task_text(task, run)
    if previous != task.principal:
        text += f"The task went from {previous} to {task.principal}.\n"
    owner = run.route_version.route.owner
    _send(
        f"Approval overdue: {run.document.title}",
        text,
        addresses([previous, f"user:{owner.get_username()}"]),
    )


def run_ended(run: RouteRun) -> None:
    """The submitter hears how their document's route ended."""
    _send(
        f"Approval {run.status}: {run.document.title}",
        f"Document: {run.document.title}\nRoute: {run.route_version.name}\n"
        f"Outcome: {run.status}\nSee it: {_link(f'/documents/{run.document_id}/')}\n",
        addresses([f"user:{run.submitted_by.get_username()}"]),
    )
