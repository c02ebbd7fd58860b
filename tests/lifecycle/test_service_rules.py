"""The lifecycle's use cases check their own rules: a caller that skips the API's views (a page,
a command) meets the same refusals, recorded the same way."""

import pytest
from django.contrib.auth.models import User

from audit.models import AuditEvent
from audit.record import RequestContext
from core.errors import Forbidden, NotFound
from lifecycle.models import RouteRun, SignOff
from lifecycle.services import decisions, routes, runs
from repository.models import Document, DocumentStatus, Version

pytestmark = pytest.mark.rolled_back


def _document(owner: User) -> Document:
    document = Document.objects.create(title="contract", owner=owner)
    version = Version.objects.create(
        document=document,
        number=1,
        filename="c.txt",
        size=1,
        mime_type="text/plain",
        sha256="a" * 64,
        created_by=owner,
    )
    document.current_version = version
    document.save()
    return document


def _route(owner: User, approver: str) -> int:
    steps = [
        {
            "name": "A",
            "approvers": [approver],
            "mode": "all",
            "quorum": None,
            "deadline_hours": None,
        }
    ]
    return routes.create_route(context=RequestContext(user=owner), name="R", steps=steps).pk


def test_use_cases_refuse_as_the_api_does(users: dict[str, User]) -> None:
    alice, bob = RequestContext(user=users["alice"]), RequestContext(user=users["bob"])
    document = _document(users["alice"])
    route = _route(users["alice"], "user:rita")
    with pytest.raises(NotFound):  # bob cannot see alice's document
        runs.submit(context=bob, document_id=document.pk, route_id=route)
    with pytest.raises(Forbidden):  # nor edit alice's route
        routes.edit_route(context=bob, route=routes.get_route(route), name="mine", steps=[])
    run = runs.submit(context=alice, document_id=document.pk, route_id=route)
    (task,) = run.tasks.all()
    with pytest.raises(Forbidden):  # alice sees the document, but the task is rita's
        decisions.decide(context=alice, task_id=task.pk, decision="approve")
    with pytest.raises(NotFound):  # bob does not even see it
        decisions.decide(context=bob, task_id=task.pk, decision="approve")
    with pytest.raises(NotFound):
        runs.withdraw(context=bob, document_id=document.pk)
    document.refresh_from_db()
    assert document.status == DocumentStatus.IN_REVIEW
    assert not SignOff.objects.exists()
    assert RouteRun.objects.get().status == "running"
    reasons = set(
        AuditEvent.objects.filter(action="access_denied").values_list("details__reason", flat=True)
    )
    assert {"not_visible", "not_route_owner", "not_an_approver"} <= reasons
