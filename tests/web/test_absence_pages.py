"""Pages of people away and late: the out-of-office setting (`/inbox/absence/`), overdue tasks
in the inbox, "on behalf of" and **Reassign** in the document's Approval section.

They call the services the API calls (`lifecycle.services.absences`, `reassign`), so the same
rules, refusals and audit events hold; each test reads what the page shows."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lifecycle.models import Absence, ApprovalTask
from lifecycle.services.deadlines import escalate
from tests.lifecycle.helpers import make_route, step, submit
from tests.web.pages import api_document, buttons, errors_of, page_client, text
from tests.web.pages import submit as submit_form

pytestmark = pytest.mark.rolled_back

PAGE = "/inbox/absence/"


@pytest.fixture
def people(users: dict[str, User], client_for: Callable[[str], APIClient]) -> dict[str, User]:
    users["carol"] = User.objects.create_user("carol", "carol@example.com", "carol-pass-1")
    return users


def _moment(delta: timedelta) -> str:
    return (timezone.now() + delta).strftime("%Y-%m-%dT%H:%M")


def _in_review(alice: APIClient, *steps: dict[str, Any]) -> int:
    document = api_document(alice, b"the contract", "contract.txt", title="Contract")
    submit(alice, document, make_route(alice, "Contracts", *steps))
    return document


def test_the_inbox_links_the_out_of_office_page_with_its_fields(people: dict[str, User]) -> None:
    bob = page_client(people["bob"])
    assert f'<a href="{PAGE}">Out of office</a>' in text(bob.get("/inbox/"))
    page = text(bob.get(PAGE))
    assert "<h1>Out of office</h1>" in page
    for label in ("Substitute", "From", "Until"):
        assert f">{label}</label>" in page
    assert buttons(page)[-1:] == ["Save absence"]
    assert "End absence" not in buttons(page)
    assert bob.get(PAGE.replace("inbox", "nowhere")).status_code == 404


def test_saving_and_ending_an_absence_on_the_page(people: dict[str, User]) -> None:
    bob = page_client(people["bob"])
    saved: Any = submit_form(
        bob, PAGE, PAGE, {"substitute": "carol", "ends": _moment(timedelta(days=3))}
    )
    assert saved.status_code == 302
    page = text(bob.get(PAGE))
    assert "You are away" in page and "<strong>carol</strong>" in page
    assert "End absence" in buttons(page)
    assert "you are away, carol stands in" in text(bob.get("/inbox/"))
    absence = Absence.objects.get()
    assert absence.user == people["bob"] and absence.substitute == people["carol"]
    assert AuditEvent.objects.filter(action="absence.set", actor=people["bob"]).exists()

    ended: Any = submit_form(bob, PAGE, "/inbox/absence/end/", {})
    assert ended.status_code == 302
    assert not Absence.objects.exists()
    assert "No absence set" in text(bob.get(PAGE))
    assert AuditEvent.objects.filter(action="absence.end").exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"substitute": "bob"}, "Name someone else as substitute."),
        ({"substitute": "nobody"}, "No active user nobody."),
        ({"substitute": "carol", "ends": "yesterday"}, "Enter a valid date/time."),
        (
            {"substitute": "carol", "starts": "PLUS3", "ends": "PLUS1"},
            "The absence must end after it starts.",
        ),
    ],
    ids=["self", "unknown", "garbled", "backwards"],
)
def test_a_bad_absence_shows_the_form_again_with_the_error(
    people: dict[str, User], fields: dict[str, str], message: str
) -> None:
    bob = page_client(people["bob"])
    moments = {"PLUS1": _moment(timedelta(days=1)), "PLUS3": _moment(timedelta(days=3))}
    given = {"ends": _moment(timedelta(days=2)), **fields}
    posted: dict[str, object] = {key: moments.get(value, value) for key, value in given.items()}
    response: Any = submit_form(bob, PAGE, PAGE, posted)
    assert response.status_code == 400
    assert message in errors_of(response.content)
    assert f'value="{posted["substitute"]}"' in text(response)  # what was typed is kept
    assert not Absence.objects.exists()


def test_an_overdue_task_is_marked_in_the_inbox(people: dict[str, User], alice: APIClient) -> None:
    _in_review(alice, step("Legal", "user:bob", deadline_hours=8))
    bob = page_client(people["bob"])
    assert "Overdue" not in text(bob.get("/inbox/"))
    task = ApprovalTask.objects.get()
    assert task.due_at is not None
    escalate(now=task.due_at + timedelta(minutes=1))
    page = text(bob.get("/inbox/"))
    assert '<strong class="overdue">Overdue</strong>' in page
    assert 'class="card task overdue"' in page


def test_the_substitutes_inbox_and_the_approval_section_show_on_behalf_of(
    people: dict[str, User], alice: APIClient, client_for: Callable[[str], APIClient]
) -> None:
    carol_api = client_for("carol")
    bob_api = client_for("bob")
    bob_api.put(
        "/api/v1/approvals/absence/",
        {"substitute": "carol", "ends": (timezone.now() + timedelta(days=2)).isoformat()},
        format="json",
    )
    document = _in_review(alice, step("Legal", "user:bob"))
    carol = page_client(people["carol"])
    inbox = text(carol.get("/inbox/"))
    assert "user:carol, on behalf of bob (away)" in inbox
    (task,) = ApprovalTask.objects.all()
    decided: Any = submit_form(
        carol, "/inbox/", f"/inbox/{task.pk}/decide/", {"decision": "approve"}
    )
    assert decided.status_code == 302
    section = text(page_client(people["alice"]).get(f"/documents/{document}/"))
    assert 'carol <span class="on-behalf">on behalf of bob</span>' in section
    assert carol_api.get(f"/api/v1/documents/{document}/").status_code == 404  # step over


def test_the_route_owner_reassigns_an_open_task_on_the_document_page(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Legal", "user:bob"))
    page_path = f"/documents/{document}/"
    owner = page_client(people["alice"])
    page = text(owner.get(page_path))
    assert ">Reassign to</label>" in page and "Reassign" in buttons(page)
    (task,) = ApprovalTask.objects.all()
    action = f"/documents/{document}/tasks/{task.pk}/reassign/"

    unknown: Any = submit_form(owner, page_path, action, {"to": "user:nobody"})
    assert unknown.status_code == 400
    assert "Unknown principal: user:nobody." in text(unknown)

    moved: Any = submit_form(owner, page_path, action, {"to": "user:carol"})
    assert moved.status_code == 302
    task.refresh_from_db()
    assert task.principal == "user:carol"
    event = AuditEvent.objects.get(action="approval.reassign")
    assert event.actor == people["alice"] and event.details["to"] == "user:carol"


def test_reassign_is_offered_to_the_route_owner_and_administrators_only(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Legal", "user:bob"))
    page_path = f"/documents/{document}/"
    (task,) = ApprovalTask.objects.all()
    action = f"/documents/{document}/tasks/{task.pk}/reassign/"
    bob = page_client(people["bob"])  # the approver sees the document under review
    assert "Reassign" not in buttons(text(bob.get(page_path)))
    refused: Any = submit_form(bob, page_path, action, {"to": "user:bob"})
    assert refused.status_code == 403
    assert "Only the route's owner or an administrator reassigns" in errors_of(refused.content)
    carol = page_client(people["carol"])  # may not see the document at all
    assert carol.get(page_path).status_code == 404
    stranger: Any = submit_form(carol, "/inbox/", action, {"to": "user:carol"})
    assert stranger.status_code == 404
    admin = page_client(people["admin"])
    assert "Reassign" in buttons(text(admin.get(page_path)))
    wrong_document: Any = submit_form(
        admin,
        page_path,
        f"/documents/{document + 1000}/tasks/{task.pk}/reassign/",
        {"to": "user:carol"},
    )
    assert wrong_document.status_code == 404
    task.refresh_from_db()
    assert task.principal == "user:bob"


def test_the_route_page_takes_an_escalation_principal(
    people: dict[str, User], alice: APIClient
) -> None:
    owner = page_client(people["alice"])
    fields: dict[str, object] = {
        "name": "Escalating",
        "rows": "3",
        "step1_name": "Legal",
        "step1_approvers": "user:bob",
        "step1_mode": "all",
        "step1_deadline_hours": "8",
        "step1_escalation": "user:carol",
        "step2_mode": "all",
        "step3_mode": "all",
    }
    created: Any = submit_form(owner, "/routes/", "/routes/", fields)
    assert created.status_code == 302, errors_of(created.content)
    page = text(owner.get(created["Location"]))
    assert "user:carol" in page
    refused: Any = submit_form(
        owner, "/routes/", "/routes/", {**fields, "step1_escalation": "user:nobody"}
    )
    assert refused.status_code == 400
    assert "user:nobody" in errors_of(refused.content)
