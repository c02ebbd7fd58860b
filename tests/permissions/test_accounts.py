"""Accounts: password rules, revoking tokens and sessions, the caller's own token, the
administrators who must stay, the reserved `me`, and the shapes of user and group edits."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from audit.models import AuditEvent
from audit.record import RequestContext
from core.errors import Conflict, DomainError
from permissions import services

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back


def _token_login(username: str, password: str) -> Any:
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, format="json"
    )


def _signed_in_browser(user: User) -> APIClient:
    browser = APIClient()
    browser.force_login(user)
    assert browser.get("/api/v1/users/me/").status_code == 200
    return browser


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("dora", "password", "password_too_common"),
        ("dora", "d0-pass", "password_too_short"),
        ("dora", "5820194736251", "password_entirely_numeric"),
        ("dorothea", "dorothea1", "password_too_similar"),
    ],
)
def test_a_new_users_password_passes_the_validators(
    admin: APIClient, username: str, password: str, code: str
) -> None:
    """Creating a user with a weak password answers 400 naming the rule; nothing is created."""
    response = admin.post(
        "/api/v1/users/", {"username": username, "password": password}, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert "password" in response.json()["errors"]
    assert not User.objects.filter(username=username).exists()


def test_a_password_change_passes_the_validators(admin: APIClient) -> None:
    """A weak new password is refused (400) and the old one keeps working; the rule also looks
    at the user's e-mail address."""
    weak = admin.patch("/api/v1/users/alice/", {"password": "alice@example"}, format="json")
    assert weak.status_code == 400 and weak.json()["code"] == "password_too_similar"
    common = admin.patch(
        "/api/v1/users/alice/", {"password": "qwerty123", "email": "a@x.org"}, format="json"
    )
    assert common.status_code == 400 and common.json()["code"] == "password_too_common"
    assert User.objects.get(username="alice").email == "alice@example.com"  # nothing written
    assert _token_login("alice", "alice-pass-1").status_code == 200


def test_a_password_is_required_to_create_a_user(admin: APIClient) -> None:
    response = admin.post("/api/v1/users/", {"username": "dora"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "required"


def test_a_password_change_revokes_the_users_token_and_sessions(
    admin: APIClient, alice: APIClient, users: dict[str, User]
) -> None:
    """The old token and the web session stop working at once; the new password signs in."""
    browser = _signed_in_browser(users["alice"])
    bob_browser = _signed_in_browser(users["bob"])
    assert alice.get("/api/v1/users/me/").status_code == 200
    changed = admin.patch("/api/v1/users/alice/", {"password": "a-new-secret-2"}, format="json")
    assert changed.status_code == 200, changed.content
    assert alice.get("/api/v1/users/me/").status_code == 401
    assert browser.get("/api/v1/users/me/").status_code in (401, 403)
    assert bob_browser.get("/api/v1/users/me/").status_code == 200  # others keep theirs
    assert _token_login("alice", "alice-pass-1").status_code == 401
    assert _token_login("alice", "a-new-secret-2").status_code == 200
    event = AuditEvent.objects.filter(action="user.update", object_id="alice").get()
    assert event.details == {"credentials_revoked": True}


def test_a_deactivation_revokes_tokens_and_sessions_for_good(
    admin: APIClient, client_for: Callable[[str], APIClient], users: dict[str, User]
) -> None:
    """Reactivating the user does not bring back the token or session they had."""
    bob = client_for("bob")
    browser = _signed_in_browser(users["bob"])
    assert admin.patch("/api/v1/users/bob/", {"is_active": False}, format="json").status_code == 200
    assert bob.get("/api/v1/users/me/").status_code == 401
    assert admin.patch("/api/v1/users/bob/", {"is_active": True}, format="json").status_code == 200
    assert bob.get("/api/v1/users/me/").status_code == 401
    assert browser.get("/api/v1/users/me/").status_code in (401, 403)
    assert _token_login("bob", "bob-pass-1").status_code == 200


def test_delete_auth_token_revokes_the_callers_own_token(alice: APIClient, bob: APIClient) -> None:
    """204; the token is refused from then on, other users' tokens work, a `logout` event is
    written; without credentials the call answers 401."""
    assert alice.delete("/api/v1/auth/token/").status_code == 204
    assert alice.get("/api/v1/users/me/").status_code == 401
    assert bob.get("/api/v1/users/me/").status_code == 200
    assert AuditEvent.objects.filter(action="logout", actor_username="alice").exists()
    assert APIClient().delete("/api/v1/auth/token/").status_code == 401
    fresh = _token_login("alice", "alice-pass-1").json()["token"]
    alice.credentials(HTTP_AUTHORIZATION=f"Token {fresh}")
    assert alice.get("/api/v1/users/me/").status_code == 200


def test_a_stale_token_does_not_stop_a_sign_in(alice: APIClient) -> None:
    """Signing in ignores whatever token header the client still sends."""
    alice.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = alice.post(
        "/api/v1/auth/token/", {"username": "alice", "password": "alice-pass-1"}, format="json"
    )
    assert response.status_code == 200


def _make_admin(admin: APIClient, username: str) -> APIClient:
    created = admin.post(
        "/api/v1/users/",
        {"username": username, "password": f"{username}-pass-1", "roles": ["admin"]},
        format="json",
    )
    assert created.status_code == 201, created.content
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {_token_login(username, f'{username}-pass-1').json()['token']}"
    )
    return client


def test_an_administrator_cannot_deactivate_or_demote_themselves(admin: APIClient) -> None:
    """409 for the superuser and for a `role:admin` holder alike; another administrator may."""
    dora = _make_admin(admin, "dora")
    refused = [
        admin.patch("/api/v1/users/admin/", {"is_active": False}, format="json"),
        dora.patch("/api/v1/users/dora/", {"roles": []}, format="json"),
        dora.patch("/api/v1/users/dora/", {"is_active": False}, format="json"),
    ]
    assert [response.status_code for response in refused] == [409, 409, 409]
    assert {response.json()["code"] for response in refused} == {"own_administration"}
    assert dora.patch("/api/v1/users/dora/", {"email": "d@x.org"}, format="json").status_code == 200
    assert admin.patch("/api/v1/users/dora/", {"roles": []}, format="json").status_code == 200
    assert not User.objects.get(username="dora").role_assignments.exists()


def test_the_last_active_administrator_stays_whoever_asks(users: dict[str, User]) -> None:
    """Even a system caller cannot deactivate or demote the only active administrator."""
    User.objects.filter(username="admin").update(is_active=False)
    for name, data in (("dora", {"is_active": False}), ("ella", {"roles": []})):
        only = User.objects.create_user(name, password=f"{name}-pass-1")
        only.role_assignments.create(role="admin")
        with pytest.raises(Conflict) as refused:
            services.update_user(context=RequestContext.system(), user=only, data=data)
        assert refused.value.code == "last_administrator"
        User.objects.filter(username="admin").update(is_active=True)
        services.update_user(context=RequestContext.system(), user=only, data=data)
        User.objects.filter(username="admin").update(is_active=False)


@pytest.mark.commits  # its threads use connections of their own
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_administrators_demoting_each_other_at_once_leave_one(
    users: dict[str, User],
) -> None:
    """The first demotion holds its locks until it commits; the second then sees that its
    caller is no longer an administrator and is refused, so one administrator remains."""
    admin = users["admin"]
    admin.is_superuser = False
    admin.save()
    admin.role_assignments.create(role="admin")
    dora = User.objects.create_user("dora", password="dora-pass-1")
    dora.role_assignments.create(role="admin")
    first_holds_locks = threading.Event()
    release = threading.Event()
    outcome: dict[str, Any] = {}

    def first() -> None:
        try:
            with transaction.atomic():
                services.update_user(
                    context=RequestContext(user=admin), user=dora, data={"roles": []}
                )
                first_holds_locks.set()
                release.wait(10)
            outcome["first"] = "ok"
        finally:
            connections.close_all()

    def second() -> None:
        try:
            services.update_user(context=RequestContext(user=dora), user=admin, data={"roles": []})
            outcome["second"] = "ok"
        except DomainError as error:
            outcome["second"] = error.code
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert first_holds_locks.wait(10)
    threads[1].start()
    threads[1].join(1.0)  # time for the second to reach its check (and, unlocked, pass it)
    release.set()
    for thread in threads:
        thread.join(20)
    assert outcome == {"first": "ok", "second": "admin_only"}
    assert list(
        User.objects.filter(role_assignments__role="admin").values_list("username", flat=True)
    ) == ["admin"]


@pytest.mark.parametrize("name", ["me", "ME", "Me"])
def test_me_is_not_a_username(admin: APIClient, name: str) -> None:
    created = admin.post(
        "/api/v1/users/", {"username": name, "password": "long-enough-1"}, format="json"
    )
    assert created.status_code == 400 and created.json()["code"] == "reserved_username"
    assert created.json()["errors"] == {"username": [f"'{name}' is reserved."]}
    renamed = admin.patch("/api/v1/users/alice/", {"username": name}, format="json")
    assert renamed.status_code == 400
    assert not User.objects.filter(username__iexact="me").exists()


def test_a_username_or_group_name_in_an_edit_must_be_the_current_one(admin: APIClient) -> None:
    assert (
        admin.patch("/api/v1/users/alice/", {"username": "alice"}, format="json").status_code == 200
    )
    renamed = admin.patch("/api/v1/users/alice/", {"username": "alicia"}, format="json")
    assert renamed.status_code == 400 and renamed.json()["code"] == "immutable"
    regrouped = admin.patch("/api/v1/groups/sales/", {"name": "buyers"}, format="json")
    assert regrouped.status_code == 400 and regrouped.json()["code"] == "immutable"


@pytest.mark.parametrize("body", ["[]", '"x"', "1", "null", '[{"email": "a@x.org"}]'])
@pytest.mark.parametrize("path", ["/api/v1/users/alice/", "/api/v1/groups/sales/"])
def test_an_edit_whose_body_is_not_an_object_answers_400(
    admin: APIClient, path: str, body: str
) -> None:
    response = admin.generic("PATCH", path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["detail"]


def test_user_edits_may_be_form_encoded(admin: APIClient) -> None:
    """The schema offers urlencoded and multipart bodies: repeated keys fill the lists."""
    urlencoded = admin.generic(
        "PATCH",
        "/api/v1/users/bob/",
        "email=robert%40example.com&groups=sales&roles=records_manager&roles=auditor",
        content_type="application/x-www-form-urlencoded",
    )
    assert urlencoded.status_code == 200, urlencoded.content
    assert urlencoded.json()["groups"] == ["sales"]
    assert urlencoded.json()["roles"] == ["auditor", "records_manager"]
    assert urlencoded.json()["email"] == "robert@example.com"
    multipart = admin.patch(
        "/api/v1/users/bob/", {"is_active": "false", "groups": ["sales"]}, format="multipart"
    )
    assert multipart.status_code == 200, multipart.content
    assert multipart.json()["is_active"] is False
    created = admin.post(
        "/api/v1/users/", {"username": "dora", "password": "dora-pass-1", "groups": ["sales"]}
    )
    assert created.status_code == 201 and created.json()["groups"] == ["sales"]


def test_a_group_edit_without_members_keeps_them(admin: APIClient) -> None:
    assert admin.patch("/api/v1/groups/sales/", {}, format="json").json()["members"] == ["alice"]
    emptied = admin.patch("/api/v1/groups/sales/", {"members": []}, format="json")
    assert emptied.json()["members"] == []
