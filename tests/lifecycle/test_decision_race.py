"""On PostgreSQL, two approvers deciding one `any` step at the same moment do not both move
the run on: the decision locks the document row and then the run, so the second approver meets
the step the first one ended (409) and the run takes one step, not two.

Each approver decides in a thread of its own (its own connection) through the API, released
together by a barrier.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from rest_framework.test import APIClient

from lifecycle.models import RouteRun, SignOff
from tests.helpers import upload
from tests.lifecycle.helpers import make_route, step, submit, task_for

ROUNDS = 5


def _decide_together(clients: dict[str, APIClient], tasks: dict[str, int]) -> dict[str, int]:
    """Each approver approves their task in a thread of their own, released together."""
    start = threading.Barrier(len(clients))
    answers: dict[str, int] = {}

    def decide_as(name: str) -> None:
        try:
            start.wait(timeout=30)
            response = clients[name].post(
                f"/api/v1/approvals/{tasks[name]}/decide/", {"decision": "approve"}, format="json"
            )
            answers[name] = response.status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=decide_as, args=(name,)) for name in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


@pytest.mark.production_only
@pytest.mark.timeout(300)
def test_simultaneous_decisions_on_an_any_step_advance_the_run_once(
    users: dict[str, User], client_for: Callable[[str], APIClient], transactional_db: Any
) -> None:
    assert connection.vendor == "postgresql"
    carol = User.objects.create_user("carol", password="carol-pass-1")
    Group.objects.create(name="legal").user_set.add(users["bob"], carol)
    users["carol"] = carol
    alice, bob, carol_client = client_for("alice"), client_for("bob"), client_for("carol")
    route = make_route(
        alice,
        "Race",
        step("Legal", "user:bob", "user:carol", mode="any"),
        step("Archive", "role:records_manager"),
    )
    for round_number in range(ROUNDS):
        document = int(upload(alice, f"race {round_number}".encode(), "r.txt").json()["id"])
        submit(alice, document, route)
        tasks = {"bob": task_for(bob, document), "carol": task_for(carol_client, document)}
        clients = {"bob": bob, "carol": carol_client}
        answers = _decide_together(clients, tasks)
        assert sorted(answers.values()) == [201, 409], answers
        run = RouteRun.objects.get(document_id=document)
        assert run.status == "running"
        assert run.current_step == 1  # one step on, not two (nor approved)
        assert SignOff.objects.filter(run=run).count() == 1
        assert run.tasks.filter(step=1).count() == 1
