"""Shared fixtures. The same behaviour tests run in embedded mode and against real servers.

Production mode (DATABASE_URL, KONTOR_S3_ENDPOINT_URL, CELERY_BROKER_URL set by `make test`)
uses the configured PostgreSQL database itself rather than a `test_` copy, because the Celery
worker process started by the test command must see the rows the tests commit.
"""

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from permissions.models import RoleAssignment
from repository.scanning import wait_for_background

PRODUCTION = bool(settings.CELERY_BROKER_URL)
# Real hashing costs ~0.5 s a password; tests create many users and test no hashing strength.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    skip_production = pytest.mark.skip(reason="embedded mode only")
    skip_embedded = pytest.mark.skip(reason="production mode only")
    for item in items:
        _mark_database(item)
        if PRODUCTION and "embedded_only" in item.keywords:
            item.add_marker(skip_production)
        if not PRODUCTION and "production_only" in item.keywords:
            item.add_marker(skip_embedded)


def _mark_database(item: Any) -> None:
    """How a test using `database` gets its rows: see that fixture."""
    if "database" not in getattr(item, "fixturenames", ()) or item.get_closest_marker("django_db"):
        return
    rolled_back = bool(item.get_closest_marker("rolled_back"))
    commits = not rolled_back or bool(item.get_closest_marker("commits"))
    item.add_marker(pytest.mark.django_db(transaction=commits))


if PRODUCTION:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker: Any) -> Iterator[None]:
        from django.core.management import call_command

        with django_db_blocker.unblock():
            call_command("migrate", "--noinput", verbosity=0)
        yield

    @pytest.fixture(autouse=True)
    def _worker_idle_before_flush(request: Any) -> Iterator[None]:
        """Let the Celery worker finish what a test queued before the tables are truncated.

        A task still reading while the flush takes its exclusive locks would deadlock it.
        """
        if "transactional_db" not in request.fixturenames:
            yield
            return
        request.getfixturevalue("transactional_db")
        yield
        wait_for_idle_worker()


def wait_for_idle_worker(timeout: float = 15.0) -> None:
    """Wait until the broker holds no queued and no unacknowledged (running) task."""
    import redis

    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not broker.llen("celery") and not broker.hlen("unacked"):
            return
        time.sleep(0.05)


def _install_flush_retry() -> None:
    """Retry the between-tests flush when it meets a worker's locks (deadlock detected)."""
    from django.db import OperationalError
    from django.test import TransactionTestCase

    original = TransactionTestCase._fixture_teardown  # type: ignore[attr-defined]

    def teardown_with_retry(self: TransactionTestCase) -> None:
        for attempt in range(5):
            try:
                original(self)
                return
            except Exception as error:
                if attempt == 4 or not isinstance(error.__cause__ or error, OperationalError):
                    raise
                wait_for_idle_worker()

    TransactionTestCase._fixture_teardown = teardown_with_retry  # type: ignore[attr-defined]


if PRODUCTION:
    _install_flush_retry()


@pytest.fixture
def database(request: Any) -> Iterator[None]:
    """Committed rows (`transactional_db`), or one rolled-back transaction for a test (or a
    module) marked `rolled_back`, unless the test itself is marked `commits`.

    Commits are what on_commit jobs (text extraction, the search outbox drain), threads, other
    connections and, in production, the Celery worker need; a `rolled_back` test never commits,
    so its on_commit jobs never run, and it skips the flush of every table after it. The choice
    is made at collection, as a `django_db` marker: requested from here, `transactional_db`
    would be set up as `db`.
    """
    yield
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        # set up after the database, so this runs before its flush: what the test started in
        # the background (the worker's tasks; in embedded mode, OCR threads) ends first
        if PRODUCTION:
            wait_for_idle_worker()
        else:
            wait_for_background(timeout=300)


@pytest.fixture
def users(database: None) -> dict[str, User]:
    """admin (superuser), alice and bob (plain users), rita (records manager)."""
    admin = User.objects.create_superuser("admin", "admin@example.com", "admin-pass-1")
    alice = User.objects.create_user("alice", "alice@example.com", "alice-pass-1")
    bob = User.objects.create_user("bob", "bob@example.com", "bob-pass-1")
    rita = User.objects.create_user("rita", "rita@example.com", "rita-pass-1")
    RoleAssignment.objects.create(user=rita, role="records_manager")
    Group.objects.create(name="sales").user_set.add(alice)
    return {"admin": admin, "alice": alice, "bob": bob, "rita": rita}


@pytest.fixture
def client_for(users: dict[str, User]) -> Callable[[str], APIClient]:
    """An API client authenticated with the named user's token."""

    def make(username: str) -> APIClient:
        client = APIClient()
        token, _ = Token.objects.get_or_create(user=users[username])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def alice(client_for: Callable[[str], APIClient]) -> APIClient:
    return client_for("alice")


@pytest.fixture
def bob(client_for: Callable[[str], APIClient]) -> APIClient:
    return client_for("bob")


@pytest.fixture
def admin(client_for: Callable[[str], APIClient]) -> APIClient:
    return client_for("admin")


def wait_for(predicate: Callable[[], Any], timeout: float = 30.0, interval: float = 0.1) -> Any:
    """Poll until `predicate()` is truthy (background jobs run in a worker in production)."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        time.sleep(interval)
