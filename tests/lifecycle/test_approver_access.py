"""Approvers of the active step view and download the version under review, whatever the ACL
says, and nothing more; explain names `route`; when the step ends the access ends."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.conftest import wait_for
from tests.helpers import new_version, streamed, upload
from tests.lifecycle.helpers import decide, make_route, step, submit, task_for
from tests.permissions.acl_helpers import entry, grant, visible_ids

pytestmark = pytest.mark.rolled_back


@pytest.fixture
def carol(users: dict[str, User], client_for: Callable[[str], APIClient]) -> APIClient:
    """carol, in `legal`; the approvers below are bob (a user step) and legal (a group step)."""
    users["carol"] = User.objects.create_user("carol", "carol@example.com", "carol-pass-1")
    Group.objects.create(name="legal").user_set.add(users["carol"])
    return client_for("carol")


def _reviewed(alice: APIClient, *steps: dict[str, object]) -> tuple[int, int]:
    """A document of alice's at version 2 (version 1 approved before), now in review."""
    document = int(upload(alice, b"version one", "c.txt", title="Contract").json()["id"])
    assert new_version(alice, document, b"version two", "c.txt").status_code == 201
    other = int(upload(alice, b"another", "o.txt", title="Other").json()["id"])
    submit(alice, document, make_route(alice, "R", *steps))
    return document, other


def test_an_approver_views_and_downloads_the_version_under_review_only(
    alice: APIClient, bob: APIClient, carol: APIClient
) -> None:
    document, other = _reviewed(alice, step("Director", "user:bob"))
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 200
    download = bob.get(f"/api/v1/documents/{document}/download/")
    assert download.status_code == 200
    assert streamed(download) == b"version two"
    assert bob.get(f"/api/v1/documents/{document}/text/").status_code == 200
    assert [v["number"] for v in bob.get(f"/api/v1/documents/{document}/versions/").json()] == [2]
    assert visible_ids(bob) == {document}  # listed and counted alike
    # Not another version of it,
    older = bob.get(f"/api/v1/documents/{document}/download/?version=1")
    assert older.status_code == 403
    assert bob.get(f"/api/v1/documents/{document}/text/?version=1").status_code == 403
    assert AuditEvent.objects.filter(
        action="access_denied", actor_username="bob", details__reason="not_the_version_under_review"
    ).exists()
    # nor editing it, nor its ACL, nor another document of the same owner,
    renamed = bob.patch(f"/api/v1/documents/{document}/", {"title": "mine"}, format="json")
    assert renamed.status_code == 403
    assert bob.get(f"/api/v1/documents/{document}/acl/").status_code == 403
    assert bob.get(f"/api/v1/documents/{other}/").status_code == 404
    # and one who is no approver sees nothing.
    assert carol.get(f"/api/v1/documents/{document}/").status_code == 404


def test_explain_names_the_route_as_the_source(alice: APIClient, bob: APIClient) -> None:
    document, _ = _reviewed(alice, step("Director", "user:bob"))
    body = bob.get(f"/api/v1/documents/{document}/permissions/").json()
    assert body["permissions"] == ["view", "download"]
    assert {(s["permission"], s["on"]) for s in body["sources"]} == {
        ("view", "route"),
        ("download", "route"),
    }


def test_the_access_ends_when_the_step_ends(
    alice: APIClient, bob: APIClient, carol: APIClient
) -> None:
    """bob's step ends with his approval; legal's step starts and gives carol what bob had."""
    document, _ = _reviewed(
        alice, step("Director", "user:bob"), step("Legal", "group:legal", mode="any")
    )
    assert carol.get(f"/api/v1/documents/{document}/").status_code == 404
    assert decide(bob, task_for(bob, document)).status_code == 201
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404
    assert bob.get(f"/api/v1/documents/{document}/download/").status_code == 404
    assert carol.get(f"/api/v1/documents/{document}/download/").status_code == 200
    assert decide(carol, task_for(carol, document)).status_code == 201
    # The run ended (approved): the last approvers' access ends too.
    assert carol.get(f"/api/v1/documents/{document}/").status_code == 404
    assert alice.get(f"/api/v1/documents/{document}/").json()["status"] == "approved"


def test_the_access_ends_with_a_withdrawal(alice: APIClient, bob: APIClient) -> None:
    document, _ = _reviewed(alice, step("Director", "user:bob"))
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 200
    assert alice.post(f"/api/v1/documents/{document}/withdraw/").status_code == 200
    assert bob.get(f"/api/v1/documents/{document}/").status_code == 404
    assert bob.get(f"/api/v1/documents/{document}/permissions/").status_code == 404


@pytest.mark.commits  # the search index follows committed changes
def test_an_approver_finds_the_document_in_search_while_the_step_runs(
    alice: APIClient, bob: APIClient
) -> None:
    document = int(upload(alice, b"zanzibar clause", "z.txt", title="Zanzibar").json()["id"])
    submit(alice, document, make_route(alice, "R", step("Director", "user:bob")))

    def hits() -> list[int]:
        body = bob.get("/api/v1/search/", {"q": "zanzibar"}).json()
        return [hit["document"]["id"] for hit in body["results"]]

    assert wait_for(lambda: hits() == [document], timeout=20)
    assert alice.post(f"/api/v1/documents/{document}/withdraw/").status_code == 200
    assert wait_for(lambda: hits() == [], timeout=20)


def test_an_approver_denied_by_the_acl_still_reviews_the_version(
    alice: APIClient, bob: APIClient
) -> None:
    """Whatever the ACL says: a deny naming the approver does not stop the review."""
    document, _ = _reviewed(alice, step("Director", "user:bob"))
    grant(alice, "documents", document, entry("user:bob", "view", "download", effect="deny"))
    assert bob.get(f"/api/v1/documents/{document}/download/").status_code == 200
    body = bob.get(f"/api/v1/documents/{document}/permissions/").json()
    assert body["permissions"] == ["view", "download"]
    assert ("view", "allow", "route") in {
        (s["permission"], s["effect"], s["on"]) for s in body["sources"]
    }
