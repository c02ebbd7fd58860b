"""The approval pages: the inbox and its decisions, the document's Approval section, routes.

They call the lifecycle services the API calls, so the rules, refusals and audit events are
the API's; each test drives the pages as a person would and reads what the page shows.
"""

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lifecycle.models import RouteRun, SignOff
from tests.lifecycle.helpers import make_route, runs, status_of, step, submit
from tests.web.pages import (
    api_document,
    body_rows,
    buttons,
    errors_of,
    page_client,
    share,
    text,
)
from tests.web.pages import submit as submit_form

pytestmark = pytest.mark.rolled_back


@pytest.fixture
def people(users: dict[str, User], client_for: Callable[[str], APIClient]) -> dict[str, User]:
    """alice submits; carol and dave are in `legal`; bob approves alone."""
    for name in ("carol", "dave"):
        users[name] = User.objects.create_user(name, f"{name}@example.com", f"{name}-pass-1")
    Group.objects.create(name="legal").user_set.add(users["carol"], users["dave"])
    return users


def _in_review(alice: APIClient, *steps: dict[str, object], title: str = "Contract") -> int:
    document = api_document(alice, f"the {title}".encode(), "contract.txt", title=title)
    submit(alice, document, make_route(alice, "Contracts", *steps))
    return document


def post_form(client: Client, page: str, action: str, fields: dict[str, object]) -> Any:
    """POST a page's form (with its CSRF token); the response."""
    return submit_form(client, page, action, fields)


def _task_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'action="/inbox/(\d+)/decide/', page)]


def test_a_group_task_shows_in_each_members_inbox_with_its_controls(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Legal", "group:legal", mode="quorum", quorum=2))

    for name in ("carol", "dave"):
        page = text(page_client(people[name]).get("/inbox/"))
        assert "<h1>Inbox</h1>" in page
        assert f'<a href="/documents/{document}/">Contract</a>' in page
        assert 'aria-label="Contract, step Legal"' in page
        assert ">Comment</label>" in page
        assert buttons(page)[-3:] == ["Approve", "Reject", "Return"]
        assert len(_task_ids(page)) == 1
    assert "Contract" not in text(page_client(people["bob"]).get("/inbox/"))


def test_approving_removes_the_task_and_writes_the_signed_decision(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Legal", "group:legal", mode="quorum", quorum=2))
    carol = page_client(people["carol"])
    (task,) = _task_ids(text(carol.get("/inbox/")))

    response = post_form(carol, "/inbox/", f"/inbox/{task}/decide/", {"decision": "approve"})

    assert response.status_code == 302
    after = text(carol.get("/inbox/"))
    assert "Approved: Contract." in after
    assert _task_ids(after) == []
    # dave, of the same group, still has it: the quorum of two is not reached
    assert _task_ids(text(page_client(people["dave"]).get("/inbox/"))) == [task]
    assert SignOff.objects.filter(actor=people["carol"], decision="approve").count() == 1
    event = AuditEvent.objects.get(action="approval.decide", actor_username="carol")
    assert event.object_id == str(document) and event.details["outcome"] == "waiting"


def test_reject_or_return_without_a_comment_shows_the_error_and_keeps_the_task(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Director", "user:bob"))
    bob = page_client(people["bob"])
    (task,) = _task_ids(text(bob.get("/inbox/")))

    for decision in ("reject", "return"):
        response = post_form(bob, "/inbox/", f"/inbox/{task}/decide/", {"decision": decision})
        assert response.status_code == 400
        assert "A comment is required" in errors_of(response.content)
        assert _task_ids(text(response)) == [task]
    assert not SignOff.objects.exists()
    assert status_of(alice, document) == "in_review"

    returned = post_form(
        bob, "/inbox/", f"/inbox/{task}/decide/", {"decision": "return", "comment": "Clause 4"}
    )
    assert returned.status_code == 302
    assert status_of(alice, document) == "draft"


def test_deciding_a_closed_task_shows_the_conflict_and_anothers_task_is_hidden(
    people: dict[str, User], alice: APIClient
) -> None:
    _in_review(alice, step("Director", "user:bob"))
    bob = page_client(people["bob"])
    (task,) = _task_ids(text(bob.get("/inbox/")))
    token_page = "/inbox/"
    assert post_form(bob, token_page, f"/inbox/{task}/decide/", {"decision": "approve"})

    again = post_form(bob, token_page, f"/inbox/{task}/decide/", {"decision": "approve"})
    assert again.status_code == 409
    assert "already approved" in errors_of(again.content)
    # rita neither sees the document nor may decide: the task does not exist for her
    rita = page_client(people["rita"])
    assert (
        post_form(rita, "/inbox/", f"/inbox/{task}/decide/", {"decision": "approve"}).status_code
        == 404
    )
    bad = post_form(bob, token_page, "/inbox/999999/decide/", {"decision": "maybe"})
    assert bad.status_code == 400


def test_the_approval_section_shows_each_decision_and_its_valid_signature(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Director", "user:bob"))
    bob = page_client(people["bob"])
    (task,) = _task_ids(text(bob.get("/inbox/")))
    post_form(bob, "/inbox/", f"/inbox/{task}/decide/", {"decision": "approve", "comment": "Fine"})

    page = text(page_client(people["alice"]).get(f"/documents/{document}/"))
    section = page[page.index('id="approval-heading"') :]
    assert ">Approval</h2>" in page
    assert "Approved" in section and "Step 1: Director" in section
    assert body_rows(section.encode())[0][:2] == ["bob", "Approve"]
    assert "Fine" in section and '<span class="signature valid">valid</span>' in section

    # a decision changed in the database no longer verifies
    SignOff.objects.update(comment="Not fine")
    changed = text(page_client(people["alice"]).get(f"/documents/{document}/"))
    assert "INVALID" in changed[changed.index('id="approval-heading"') :]


def test_submitting_on_the_page_starts_a_run_on_the_chosen_route_and_withdraw_ends_it(
    people: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"the offer", "offer.txt", title="Offer")
    make_route(alice, "Quick", step("One", "user:bob"))
    chosen = make_route(alice, "Careful", step("Legal", "group:legal"), step("Boss", "user:bob"))
    client = page_client(people["alice"])
    page = text(client.get(f"/documents/{document}/"))
    assert ">Route</label>" in page and "Submit for approval" in buttons(page)

    response = post_form(
        client, f"/documents/{document}/", f"/documents/{document}/submit/", {"route": chosen}
    )

    assert response.status_code == 302
    (run,) = runs(alice, document)
    assert run["route"] == chosen and run["status"] == "running"
    assert AuditEvent.objects.filter(action="route.submit", object_id=str(document)).exists()
    page = text(client.get(f"/documents/{document}/"))
    assert "Submit for approval" not in buttons(page) and "Withdraw" in buttons(page)
    assert "Careful (route version 1): Running" in page
    # another submit is the service's conflict, shown on the page
    again = post_form(
        client, f"/documents/{document}/", f"/documents/{document}/submit/", {"route": chosen}
    )
    assert again.status_code == 409

    withdrawn = post_form(client, f"/documents/{document}/", f"/documents/{document}/withdraw/", {})
    assert withdrawn.status_code == 302
    assert status_of(alice, document) == "draft"
    assert AuditEvent.objects.filter(action="route.withdraw", object_id=str(document)).exists()


def test_a_stranger_gets_404_on_the_document_and_its_approval_actions(
    people: dict[str, User], alice: APIClient
) -> None:
    document = _in_review(alice, step("Director", "user:bob"), title="Secret deal")
    rita = page_client(people["rita"])
    assert rita.get(f"/documents/{document}/").status_code == 404
    route = RouteRun.objects.get(document_id=document).route_version.route_id
    token = rita.get("/inbox/")
    assert token.status_code == 200 and "Secret deal" not in text(token)
    for action in ("submit", "withdraw"):
        response = post_form(rita, "/inbox/", f"/documents/{document}/{action}/", {"route": route})
        assert response.status_code == 404
        assert "Secret deal" not in text(response)
    assert status_of(alice, document) == "in_review"


def test_a_viewer_who_may_not_submit_sees_no_submit_button(
    people: dict[str, User], alice: APIClient
) -> None:
    document = api_document(alice, b"shared", "s.txt", title="Shared")
    share(alice, document, "user:bob", "view", "edit")
    route = make_route(alice, "Quick", step("One", "user:carol"))
    bob = page_client(people["bob"])
    assert "Submit for approval" not in buttons(text(bob.get(f"/documents/{document}/")))
    refused = post_form(
        bob, f"/documents/{document}/", f"/documents/{document}/submit/", {"route": route}
    )
    assert refused.status_code == 403
    assert status_of(alice, document) == "draft"


def _route_form(name: str, *rows: dict[str, object]) -> dict[str, object]:
    fields: dict[str, object] = {"name": name, "rows": 3}
    for number, row in enumerate(rows, start=1):
        fields.update({f"step{number}_{key}": value for key, value in row.items()})
    for number in range(1, 4):
        fields.setdefault(f"step{number}_mode", "all")
    return fields


def test_a_route_made_and_edited_on_the_page_versions_and_a_running_run_keeps_version_1(
    people: dict[str, User], alice: APIClient
) -> None:
    client = page_client(people["alice"])
    created = post_form(
        client,
        "/routes/",
        "/routes/",
        _route_form(
            "Contracts",
            {"name": "Legal", "approvers": "group:legal", "mode": "quorum", "quorum": 2},
            {
                "name": "Director",
                "approvers": "user:bob, user:carol\nuser:dave",
                "mode": "any",
                "deadline_hours": 48,
            },
        ),
    )
    assert created.status_code == 302
    route = int(created["Location"].rstrip("/").rsplit("/", 1)[1])
    body = alice.get(f"/api/v1/routes/{route}/").json()
    assert body["version"] == 1 and len(body["steps"]) == 2
    assert body["steps"][1]["approvers"] == ["user:bob", "user:carol", "user:dave"]
    assert body["steps"][0]["quorum"] == 2 and body["steps"][1]["deadline_hours"] == 48
    assert AuditEvent.objects.filter(action="route.create", object_id=str(route)).exists()

    document = api_document(alice, b"the lease", "lease.txt", title="Lease")
    submit(alice, document, route)
    page = text(client.get(f"/routes/{route}/"))
    assert '<dd class="route-version">1</dd>' in page and "Save as new version" in buttons(page)

    edited = post_form(
        client,
        f"/routes/{route}/",
        f"/routes/{route}/",
        _route_form("Contracts", {"name": "Director only", "approvers": "user:bob"}),
    )
    assert edited.status_code == 302
    assert '<dd class="route-version">2</dd>' in text(client.get(f"/routes/{route}/"))
    versions = text(client.get(f"/routes/{route}/versions/"))
    assert "Version 2: Contracts" in versions and "Version 1: Contracts" in versions
    (run,) = runs(alice, document)
    assert run["route_version"] == 1 and run["steps"][0]["name"] == "Legal"
    assert AuditEvent.objects.filter(action="route.edit", object_id=str(route)).exists()

    # bob may read the route but not edit it; bad input is the form again with the error
    bob = page_client(people["bob"])
    assert "Save as new version" not in buttons(text(bob.get(f"/routes/{route}/")))
    refused = post_form(
        bob,
        f"/routes/{route}/",
        f"/routes/{route}/",
        _route_form("Mine", {"name": "X", "approvers": "user:bob"}),
    )
    assert refused.status_code == 403
    unknown = post_form(
        client,
        "/routes/",
        "/routes/",
        _route_form("Bad", {"name": "X", "approvers": "user:nobody"}),
    )
    assert unknown.status_code == 400
    assert "Unknown principals: user:nobody" in errors_of(unknown.content)
    empty = post_form(client, "/routes/", "/routes/", _route_form("Empty"))
    assert empty.status_code == 400
    assert client.get("/routes/999999/").status_code == 404
    assert alice.get(f"/api/v1/routes/{route}/").json()["version"] == 2


def test_deciding_anothers_task_on_a_visible_document_is_refused(
    people: dict[str, User], alice: APIClient
) -> None:
    """The submitter sees the document but the task is bob's: 403, and nothing is decided."""
    document = _in_review(alice, step("Director", "user:bob"))
    (task,) = _task_ids(text(page_client(people["bob"]).get("/inbox/")))
    client = page_client(people["alice"])

    refused = post_form(client, "/inbox/", f"/inbox/{task}/decide/", {"decision": "approve"})

    assert refused.status_code == 403
    assert "another approver" in errors_of(refused.content)
    assert not SignOff.objects.exists() and status_of(alice, document) == "in_review"
    assert AuditEvent.objects.filter(action="access_denied", actor_username="alice").exists()


def test_the_inbox_pages_newest_first(
    people: dict[str, User], alice: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("web.views.approvals.inbox.PAGE_SIZE", 2)
    route = make_route(alice, "Quick", step("One", "user:bob"))
    for title in ("First", "Second", "Third"):
        submit(alice, api_document(alice, title.encode(), "t.txt", title=title), route)
    bob = page_client(people["bob"])

    first, second = text(bob.get("/inbox/")), text(bob.get("/inbox/?page=2"))

    assert first.index(">Third</a>") < first.index(">Second</a>") and ">First<" not in first
    assert ">First</a>" in second and "Page 2 of 2" in second
