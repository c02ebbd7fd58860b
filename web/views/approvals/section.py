"""What the document page's Approval section shows.

It reads the document's runs (`lifecycle.services.runs.runs_of`, as
`GET /documents/{id}/route-runs/`) and each run's signature check (`verify_run`, as
`GET /route-runs/{id}/verify/`), so the page shows what the API shows the same person.
"""

from typing import Any

from lifecycle.models import RouteRun
from lifecycle.services import decisions, runs
from lifecycle.services import routes as route_services
from permissions.principals import is_admin
from repository.models import Document, DocumentStatus
from repository.status import legal_move

# The runs shown on the page, newest first (each with its steps and signed decisions).
RUNS_SHOWN = 5
# The routes offered in the Route choice, newest first.
ROUTES_OFFERED = 200


def _steps(run: RouteRun, valid: dict[int, bool]) -> list[dict[str, Any]]:
    tasks = list(run.tasks.all())
    sign_offs = list(run.sign_offs.all())
    steps = []
    for index, step in enumerate(run.route_version.steps):
        if index < run.current_step:
            state = "done"
        elif index > run.current_step:
            state = "waiting"
        elif run.is_running:
            state = "active"
        else:
            state = "done" if run.status == "approved" else "stopped"
        steps.append(
            {
                "number": index + 1,
                "name": step["name"],
                "mode": step["mode"],
                "quorum": step.get("quorum"),
                "deadline_hours": step.get("deadline_hours"),
                "escalation": step.get("escalation"),
                "state": state,
                "tasks": [task for task in tasks if task.step == index],
                "decisions": [
                    {"sign_off": sign_off, "valid": valid.get(sign_off.pk, False)}
                    for sign_off in sign_offs
                    if sign_off.step == index
                ],
            }
        )
    return steps


def approval_section(user: Any, document: Document, *, may_submit: bool) -> dict[str, Any]:
    """The Approval section's content for `user` (who may view `document`)."""
    shown: list[dict[str, Any]] = []
    for run in runs.runs_of(actor=user, document_id=document.pk)[:RUNS_SHOWN]:
        _, checks = decisions.verify_run(actor=user, run_id=run.pk)
        valid = {check.sign_off.pk: check.valid for check in checks}
        shown.append({"run": run, "steps": _steps(run, valid)})
    running: RouteRun | None = next((item["run"] for item in shown if item["run"].is_running), None)
    # The route's owner or an administrator reassigns open tasks (the service checks it again).
    may_reassign = running is not None and (
        running.route_version.route.owner_id == user.pk or is_admin(user)
    )
    # The button shows when the status machine would take the submit (from a draft today).
    offer_submit = may_submit and (
        legal_move(document.status, DocumentStatus.IN_REVIEW, by="submitter") is not None
    )
    return {
        "approval_runs": shown,
        "may_submit": offer_submit,
        "route_choices": list(route_services.routes()[:ROUTES_OFFERED]) if offer_submit else [],
        "may_reassign": may_reassign,
        "may_withdraw": running is not None
        and (running.submitted_by_id == user.pk or is_admin(user)),
    }
