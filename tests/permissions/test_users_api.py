"""Authentication, users and groups."""

import pytest
from rest_framework.test import APIClient

from audit.models import AuditEvent

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def test_token_login_and_failed_login_are_audited(users) -> None:  # type: ignore[no-untyped-def]
    client = APIClient()
    good = client.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "alice-pass-1"}, format="json"
    )
    assert good.status_code == 200 and good.json()["token"]
    bad = client.post(
        "/api/v1/auth/token/",
        {"username": "alice", "password": "wrong"},
        format="json",
        HTTP_USER_AGENT="curl/8",
    )
    assert bad.status_code == 401
    assert AuditEvent.objects.filter(action="login", actor_username="alice").exists()
    failed = AuditEvent.objects.get(action="login_failed")
    assert (
        failed.object_id == "alice" and failed.user_agent == "curl/8" and failed.ip == "127.0.0.1"
    )
    client.credentials(HTTP_AUTHORIZATION=f"Token {good.json()['token']}")
    me = client.get("/api/v1/users/me/").json()
    assert me == {
        "username": "alice",
        "email": "alice@example.com",
        "groups": ["sales"],
        "roles": [],
        "is_admin": False,
        "is_active": True,
    }


def test_admin_manages_users_and_groups(admin: APIClient, alice: APIClient) -> None:
    created = admin.post(
        "/api/v1/users/",
        {
            "username": "dora",
            "password": "dora-pass-1",
            "email": "d@example.com",
            "roles": ["records_manager"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["roles"] == ["records_manager"]
    group = admin.post(
        "/api/v1/groups/", {"name": "legal", "members": ["dora", "alice"]}, format="json"
    )
    assert group.status_code == 201
    assert group.json()["members"] == ["alice", "dora"]
    patched = admin.patch(
        "/api/v1/users/dora/", {"roles": ["admin"], "groups": ["legal"]}, format="json"
    )
    assert patched.status_code == 200
    assert patched.json()["is_admin"] is True
    assert (
        admin.post(
            "/api/v1/users/", {"username": "dora", "password": "x" * 9}, format="json"
        ).status_code
        == 409
    )
    assert (
        admin.post(
            "/api/v1/groups/", {"name": "g2", "members": ["ghost"]}, format="json"
        ).status_code
        == 400
    )
    assert (
        alice.post(
            "/api/v1/users/", {"username": "eve", "password": "eve-pass-1"}, format="json"
        ).status_code
        == 403
    )
    assert alice.get("/api/v1/groups/").status_code == 403
    assert admin.get("/api/v1/groups/").json()["count"] == 2
    login = APIClient().post(
        "/api/v1/auth/token/", {"username": "dora", "password": "dora-pass-1"}, format="json"
    )
    assert login.status_code == 200
