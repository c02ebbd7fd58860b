"""Sign-in throttling: per account and address, per account, per address; API and web alike."""

import threading
import time
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from permissions.models import LoginThrottle

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

HOME = "10.0.0.1"


def _api(username: str, password: str, address: str = HOME) -> Any:
    return APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )


def _web(username: str, password: str, address: str = HOME) -> Any:
    return Client().post(
        "/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def _fail(times: int, username: str = "alice", address: str = HOME) -> None:
    for _ in range(times):
        assert _api(username, "wrong-guess-1", address).status_code == 401


def test_repeated_failures_cool_down_that_account_from_that_address(
    users: dict[str, User],
) -> None:
    """After five failures the right password answers 429 with Retry-After, audited; the same
    account from elsewhere and other accounts from here still sign in."""
    _fail(5)
    refused = _api("alice", "alice-pass-1")
    assert refused.status_code == 429, refused.content
    assert refused.json()["code"] == "login_throttled"
    assert 890 <= int(refused["Retry-After"]) <= 900
    assert "token" not in refused.json()
    event = AuditEvent.objects.filter(action="login_throttled").get()
    assert (event.object_id, event.ip) == ("alice", HOME)
    assert event.details["scopes"] == ["account_address"]
    assert AuditEvent.objects.filter(action="login_failed", object_id="alice").count() == 5
    assert not AuditEvent.objects.filter(action="login", object_id="alice").exists()
    assert _api("alice", "alice-pass-1", "10.0.0.2").status_code == 200
    assert _api("bob", "bob-pass-1").status_code == 200


def test_the_web_sign_in_shares_the_throttle(users: dict[str, User]) -> None:
    """Failures on /login/ count for the API and the other way round; /login/ answers 429."""
    for _ in range(3):
        assert _web("alice", "wrong-guess-1").status_code == 200
    _fail(2)
    page = _web("alice", "alice-pass-1")
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert b"Too many failed sign-ins" in page.content
    assert "_auth_user_id" not in page.wsgi_request.session
    assert _api("alice", "alice-pass-1").status_code == 429
    assert AuditEvent.objects.filter(action="login_failed", object_id="alice").count() == 5


def test_sign_in_works_again_after_the_cool_down(users: dict[str, User], settings: Any) -> None:
    settings.KONTOR_LOGIN_COOLDOWN_SECONDS = 1
    _fail(5)
    assert _api("alice", "alice-pass-1").status_code == 429
    time.sleep(1.1)
    assert _api("alice", "alice-pass-1").status_code == 200
    assert _web("alice", "alice-pass-1").status_code == 302


def test_a_success_starts_the_count_over(users: dict[str, User]) -> None:
    for _ in range(3):
        _fail(4)
        assert _api("alice", "alice-pass-1").status_code == 200


def test_a_spray_from_many_addresses_cools_the_account_down(
    users: dict[str, User], settings: Any
) -> None:
    """The account-wide limit counts every address; then the account is refused everywhere."""
    settings.KONTOR_LOGIN_ACCOUNT_LIMIT = 8
    for index in range(8):
        assert _api("alice", "wrong-guess-1", f"10.1.0.{index}").status_code == 401
    refused = _api("alice", "alice-pass-1", "10.2.0.1")
    assert refused.status_code == 429
    assert AuditEvent.objects.get(action="login_throttled").details["scopes"] == ["account"]
    assert _api("bob", "bob-pass-1", "10.2.0.1").status_code == 200


def test_one_address_trying_many_accounts_cools_down(users: dict[str, User], settings: Any) -> None:
    settings.KONTOR_LOGIN_ADDRESS_LIMIT = 6
    for index in range(6):
        assert _api(f"ghost{index}", "wrong-guess-1").status_code == 401
    assert _api("bob", "bob-pass-1").status_code == 429
    assert _api("bob", "bob-pass-1", "10.0.0.9").status_code == 200


def test_one_ipv6_host_counts_as_one_address(users: dict[str, User]) -> None:
    """Addresses in one /64 share a count; the account's case does not split it either."""
    for index in range(5):
        username = "Alice" if index % 2 else "alice"
        assert _api(username, "wrong-guess-1", f"2001:db8:1:2::{index + 1:x}").status_code == 401
    assert _api("alice", "alice-pass-1", "2001:db8:1:2:ffff::9").status_code == 429
    assert _api("alice", "alice-pass-1", "2001:db8:1:3::1").status_code == 200


def test_expired_counts_are_forgotten(users: dict[str, User], settings: Any) -> None:
    """Counts of attempts long past are deleted, so the table does not grow with every name
    an attacker tries."""
    settings.KONTOR_LOGIN_WINDOW_SECONDS = 1
    for index in range(20):
        _api(f"ghost{index}", "wrong-guess-1", f"10.3.0.{index}")
    assert LoginThrottle.objects.count() > 40
    time.sleep(1.1)
    _api("alice", "alice-pass-1")
    assert LoginThrottle.objects.count() == 3


@pytest.mark.commits  # its threads use connections of their own
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: parallel writers")
def test_parallel_guesses_get_no_more_tries_than_the_limit(users: dict[str, User]) -> None:
    """Twelve guesses at once from one address: five are checked, the rest answer 429."""
    start = threading.Barrier(12)
    statuses: list[int] = []

    def guess() -> None:
        try:
            start.wait(10)
            statuses.append(_api("alice", "wrong-guess-1").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(statuses) == [401] * 5 + [429] * 7
