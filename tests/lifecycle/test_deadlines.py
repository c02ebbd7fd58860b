"""Deadlines: the `escalate` job reminds approvers once before a task's deadline, marks it
overdue once the deadline passes, e-mails about it and hands it to the step's escalation
principal (audited). Approvers are e-mailed when a task reaches them, the submitter when the
run ends. The job takes the moment as a parameter: these tests freeze the clock with it.

The rows are committed (no `rolled_back` marker): e-mails leave only after the change commits.
"""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from audit.models import AuditEvent
from config.celery import app
from lifecycle.models import ApprovalTask
from lifecycle.services.deadlines import escalate
from lifecycle.tasks import escalate as escalate_job
from tests.conftest import wait_for
from tests.helpers import upload
from tests.lifecycle.helpers import decide, inbox, make_route, step, submit, task_for


@pytest.fixture
def carol(users: dict[str, User], client_for: Callable[[str], APIClient]) -> APIClient:
    users["carol"] = User.objects.create_user("carol", "carol@example.com", "carol-pass-1")
    return client_for("carol")


def _in_review(alice: APIClient, *steps: dict[str, Any]) -> tuple[int, ApprovalTask]:
    document = int(upload(alice, b"a contract with a deadline", "c.txt").json()["id"])
    submit(alice, document, make_route(alice, "Contracts", *steps))
    task = ApprovalTask.objects.filter(run__document_id=document, step=0).order_by("pk").first()
    assert task is not None
    return document, task


def _to(mailoutbox: list[Any], address: str) -> list[str]:
    return [mail.subject for mail in mailoutbox if mail.to == [address]]


def test_an_approver_is_emailed_when_a_task_reaches_them(
    alice: APIClient, bob: APIClient, mailoutbox: list[Any]
) -> None:
    _in_review(alice, step("Legal", "user:bob", deadline_hours=48))
    (mail,) = mailoutbox
    assert mail.to == ["bob@example.com"]
    assert mail.subject.startswith("Approval requested: ")
    assert "Step: Legal" in mail.body and "/inbox/" in mail.body
    assert "Due: " in mail.body and "no deadline" not in mail.body


@override_settings(KONTOR_REMINDER_LEAD_HOURS=24)
def test_a_reminder_goes_out_once_before_the_deadline(
    alice: APIClient, bob: APIClient, mailoutbox: list[Any]
) -> None:
    _, task = _in_review(alice, step("Legal", "user:bob", deadline_hours=72))
    assert task.due_at is not None
    mailoutbox.clear()

    too_early = escalate(now=task.due_at - timedelta(hours=25))
    assert (too_early.reminded, too_early.overdue) == (0, 0)
    assert mailoutbox == []

    done = escalate(now=task.due_at - timedelta(hours=23))
    assert done.reminded == 1
    assert _to(mailoutbox, "bob@example.com") == [
        f"Reminder, approval due soon: {task.run.document.title}"
    ]
    task.refresh_from_db()
    assert task.reminded_at == task.due_at - timedelta(hours=23)

    again = escalate(now=task.due_at - timedelta(hours=1))
    assert again.reminded == 0
    assert len(mailoutbox) == 1


@override_settings(KONTOR_REMINDER_LEAD_HOURS=24)
def test_a_short_deadline_is_reminded_at_half_its_time(alice: APIClient, bob: APIClient) -> None:
    """A 4-hour step with a 24-hour lead is reminded after 2 hours, not as soon as it starts."""
    _, task = _in_review(alice, step("Legal", "user:bob", deadline_hours=4))
    assert task.due_at is not None
    assert escalate(now=task.created_at + timedelta(hours=1)).reminded == 0
    assert escalate(now=task.created_at + timedelta(hours=2)).reminded == 1


def test_an_overdue_task_is_marked_and_reported_once_and_stays_without_escalation(
    alice: APIClient, bob: APIClient, mailoutbox: list[Any]
) -> None:
    document, task = _in_review(alice, step("Legal", "user:bob", deadline_hours=8))
    assert task.due_at is not None
    mailoutbox.clear()
    later = task.due_at + timedelta(minutes=1)

    assert escalate(now=task.due_at - timedelta(minutes=1)).overdue == 0  # reminded only
    mailoutbox.clear()
    done = escalate(now=later)
    assert (done.overdue, done.escalated) == (1, 0)
    task.refresh_from_db()
    assert task.overdue_at == later and task.principal == "user:bob"
    subject = f"Approval overdue: {task.run.document.title}"
    assert _to(mailoutbox, "bob@example.com") == [subject]
    assert _to(mailoutbox, "alice@example.com") == [subject]  # the route's owner
    event = AuditEvent.objects.get(action="approval.overdue")
    assert event.object_id == str(document) and event.details["task"] == task.pk

    assert escalate(now=later + timedelta(hours=1)).overdue == 0
    assert len(mailoutbox) == 2
    (listed,) = inbox(bob)
    assert listed["overdue"] is True
    assert decide(bob, task.pk).status_code == 201  # an overdue task may still be decided


def test_an_overdue_task_goes_to_the_escalation_principal_with_its_access(
    alice: APIClient, bob: APIClient, carol: APIClient, mailoutbox: list[Any]
) -> None:
    document, task = _in_review(
        alice, step("Legal", "user:bob", deadline_hours=8, escalation="user:carol")
    )
    assert task.due_at is not None
    assert carol.get(f"/api/v1/documents/{document}/").status_code == 404
    mailoutbox.clear()

    done = escalate(now=task.due_at + timedelta(hours=1))
    assert (done.overdue, done.escalated) == (1, 1)
    task.refresh_from_db()
    assert task.principal == "user:carol" and task.overdue_at is not None
    event = AuditEvent.objects.get(action="approval.escalate")
    assert event.actor is None  # the job, not a person
    assert (event.details["from"], event.details["to"]) == ("user:bob", "user:carol")
    title = task.run.document.title
    assert _to(mailoutbox, "carol@example.com") == [f"Approval requested: {title}"]
    assert _to(mailoutbox, "bob@example.com") == [f"Approval overdue: {title}"]

    assert inbox(bob) == []
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404
    assert carol.get(f"/api/v1/documents/{document}/download/").status_code == 200
    mailoutbox.clear()
    assert decide(carol, task_for(carol, document)).status_code == 201
    assert _to(mailoutbox, "alice@example.com") == [f"Approval approved: {title}"]


def test_escalation_never_makes_two_tasks_for_one_principal_in_a_step(
    alice: APIClient, bob: APIClient, carol: APIClient
) -> None:
    """carol already holds a task in the step: bob's overdue task is marked, not handed on."""
    _, task = _in_review(
        alice,
        step("Legal", "user:bob", "user:carol", deadline_hours=8, escalation="user:carol"),
    )
    assert task.due_at is not None
    done = escalate(now=task.due_at + timedelta(hours=1))
    assert (done.overdue, done.escalated) == (2, 0)
    assert sorted(ApprovalTask.objects.values_list("principal", flat=True)) == [
        "user:bob",
        "user:carol",
    ]


def test_the_escalation_principal_must_exist(alice: APIClient) -> None:
    response = alice.post(
        "/api/v1/routes/",
        {"name": "R", "steps": [step("A", "user:bob", escalation="user:nobody")]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "unknown_principal"
    malformed = alice.post(
        "/api/v1/routes/",
        {"name": "R", "steps": [step("A", "user:bob", escalation="bob")]},
        format="json",
    )
    assert malformed.status_code == 400


def test_the_submitter_is_emailed_when_the_run_ends(
    alice: APIClient, bob: APIClient, mailoutbox: list[Any]
) -> None:
    document, task = _in_review(alice, step("Legal", "user:bob"))
    mailoutbox.clear()
    assert decide(bob, task.pk, "reject", "Wrong party.").status_code == 201
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == f"Approval rejected: {task.run.document.title}"
    assert f"/documents/{document}/" in mail.body


def test_the_submitter_hears_when_an_administrator_withdraws_their_document(
    alice: APIClient, bob: APIClient, admin: APIClient, mailoutbox: list[Any]
) -> None:
    document, task = _in_review(alice, step("Legal", "user:bob"))
    mailoutbox.clear()
    assert admin.post(f"/api/v1/documents/{document}/withdraw/").status_code == 200
    (mail,) = mailoutbox
    assert mail.to == ["alice@example.com"]
    assert mail.subject == f"Approval withdrawn: {task.run.document.title}"
    document, _ = _in_review(alice, step("Legal", "user:bob"))
    mailoutbox.clear()
    assert alice.post(f"/api/v1/documents/{document}/withdraw/").status_code == 200
    assert mailoutbox == []  # she withdrew it herself


def test_a_decision_refused_sends_nothing(
    alice: APIClient, bob: APIClient, mailoutbox: list[Any]
) -> None:
    """Reject without a comment is refused (400) and changes nothing, so no one is e-mailed."""
    _, task = _in_review(alice, step("Legal", "user:bob"))
    mailoutbox.clear()
    for decision in ("reject", "return"):
        refused = decide(bob, task.pk, decision, "   ")
        assert refused.status_code == 400
        assert refused.json()["code"] == "required"
    assert mailoutbox == []


def test_the_management_command_runs_the_job_at_a_given_moment(
    alice: APIClient, bob: APIClient
) -> None:
    _, task = _in_review(alice, step("Legal", "user:bob", deadline_hours=8))
    assert task.due_at is not None
    out = StringIO()
    call_command("escalate", "--now", (task.due_at + timedelta(hours=1)).isoformat(), stdout=out)
    assert out.getvalue().strip() == "0 reminded, 1 overdue, 0 escalated"
    task.refresh_from_db()
    assert task.overdue_at is not None


def test_celery_beat_queues_the_job_that_is_registered() -> None:
    app.loader.import_default_modules()
    (entry,) = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "escalate" in e["task"]]
    assert entry["task"] in app.tasks
    assert entry["schedule"] > 0


@pytest.mark.production_only
def test_the_worker_runs_the_job(alice: APIClient, bob: APIClient) -> None:
    """Through Redis and the Celery worker, as beat queues it: a task past its deadline (the
    clock cannot be frozen in another process, so its deadline is moved back) gets marked."""
    _, task = _in_review(alice, step("Legal", "user:bob", deadline_hours=8))
    ApprovalTask.objects.filter(pk=task.pk).update(
        created_at=task.created_at - timedelta(hours=9), due_at=task.created_at - timedelta(hours=1)
    )
    escalate_job.delay()
    wait_for(lambda: ApprovalTask.objects.get(pk=task.pk).overdue_at is not None)


def _mail_settings(tmp_path: Path, **variables: str) -> dict[str, Any]:
    """The e-mail settings a fresh process reads from these variables."""
    script = (
        "import json; from django.conf import settings as s; print(json.dumps({name: "
        "getattr(s, name) for name in ('EMAIL_BACKEND', 'EMAIL_HOST', 'EMAIL_PORT', "
        "'EMAIL_USE_TLS', 'DEFAULT_FROM_EMAIL')}))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("KONTOR_EMAIL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", KONTOR_DATA_DIR=str(tmp_path), **variables)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded: dict[str, Any] = json.loads(result.stdout)
    return loaded


def test_mail_is_printed_unless_a_mail_server_is_configured(tmp_path: Path) -> None:
    assert _mail_settings(tmp_path)["EMAIL_BACKEND"].endswith("console.EmailBackend")
    smtp = _mail_settings(
        tmp_path,
        KONTOR_EMAIL_URL="smtp+tls://kontor:secret@mail.example.org:587",
        KONTOR_EMAIL_FROM="approvals@example.org",
    )
    assert smtp == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "approvals@example.org",
    }
