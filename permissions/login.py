"""Sign-in with a throttle: too many attempts answer "wait" and the password is not even checked.

Attempts are counted in the database (shared by every server process) under three keys: one
account from one address, one account from any address (a spray from many addresses), and one
address to any account (one password tried on many accounts). Each key allows its limit per
window (`KONTOR_LOGIN_*` settings); the attempt after that starts a cool-down during which
every attempt under the key is refused, the right password too. An attempt counts before its
password is checked, so parallel guesses cannot slip past the limit; a success gives it back
and clears the account-and-address count. IPv6 addresses count per /64, what one host usually
holds.

The throttle sits in the authentication backend, so whatever checks a password over HTTP (the
API token, /login/, any form added later) honours it. Django's `authenticate()` turns a
backend's `PermissionDenied` into `None`, so the wait travels back on the request: `sign_in()`
reads it for the views.
"""

import hashlib
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from audit.record import client_ip, context_from, record
from permissions.models import LoginThrottle

_RETRY_AFTER = "_kontor_login_retry_after"
PRUNE_BATCH = 500


class LoginThrottled(Exception):
    """Sign-ins for this account or from this address are cooling down."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class _Key:
    scope: str  # "account_address", "account" or "address"
    digest: str
    limit: int


def _address(ip: str | None) -> str:
    if ip is None:
        return "unknown"
    address = ipaddress.ip_address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _keys(username: str, ip: str | None) -> list[_Key]:
    account = username.casefold()
    address = _address(ip)
    scopes = (
        ("account_address", (account, address), settings.KONTOR_LOGIN_LIMIT),
        ("account", (account,), settings.KONTOR_LOGIN_ACCOUNT_LIMIT),
        ("address", (address,), settings.KONTOR_LOGIN_ADDRESS_LIMIT),
    )
    keys = [
        _Key(scope, hashlib.sha256("\0".join((scope, *parts)).encode()).hexdigest(), limit)
        for scope, parts, limit in scopes
        if limit > 0
    ]
    return sorted(keys, key=lambda key: key.digest)  # one lock order for every process


def _locked_rows(keys: list[_Key], now: datetime) -> dict[str, LoginThrottle]:
    """The keys' rows, created if missing, locked in digest order."""
    digests = [key.digest for key in keys]
    for _ in range(3):
        LoginThrottle.objects.bulk_create(
            [LoginThrottle(key=digest, window_started=now, expires_at=now) for digest in digests],
            ignore_conflicts=True,
        )
        rows = LoginThrottle.objects.select_for_update().filter(key__in=digests).order_by("key")
        found = {row.key: row for row in rows}
        if len(found) == len(digests):
            return found
        # A pruner deleted an expired row between the insert and the lock: insert it again.
    raise RuntimeError("login throttle rows keep disappearing")


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def _reserve(keys: list[_Key]) -> tuple[int, list[str]] | None:
    """Count one attempt under every key, or refuse it: (seconds to wait, scopes cooling down)."""
    window = timedelta(seconds=settings.KONTOR_LOGIN_WINDOW_SECONDS)
    cooldown = timedelta(seconds=settings.KONTOR_LOGIN_COOLDOWN_SECONDS)
    with transaction.atomic():
        now = timezone.now()
        rows = _locked_rows(keys, now)
        waits = {
            key.scope: locked_until - now
            for key in keys
            if (locked_until := rows[key.digest].locked_until) is not None and locked_until > now
        }
        if not waits:
            for key in keys:
                row = rows[key.digest]
                if row.window_started + window <= now:
                    row.attempts, row.window_started = 0, now
                if row.attempts >= key.limit:
                    row.attempts, row.window_started, row.locked_until = 0, now, now + cooldown
                    waits[key.scope] = cooldown
        if not waits:
            for row in rows.values():
                row.attempts += 1
        for row in rows.values():
            row.expires_at = max(row.window_started + window, row.locked_until or now)
            row.save(update_fields=["attempts", "window_started", "locked_until", "expires_at"])
    if not waits:
        return None
    return _seconds(max(waits.values())), sorted(waits)


def _give_back(keys: list[_Key]) -> None:
    """A success: the account-and-address count starts over, the wider counts lose one."""
    for key in keys:
        rows = LoginThrottle.objects.filter(key=key.digest, attempts__gt=0)
        if key.scope == "account_address":
            rows.update(attempts=0)
        else:
            rows.update(attempts=F("attempts") - 1)


def _prune() -> None:
    """Forget expired rows, a batch at a time; rows another sign-in holds are left for later."""
    with transaction.atomic():
        expired = list(
            LoginThrottle.objects.select_for_update(skip_locked=True)
            .filter(expires_at__lt=timezone.now())
            .values_list("pk", flat=True)[:PRUNE_BATCH]
        )
        if expired:
            LoginThrottle.objects.filter(pk__in=expired).delete()


class ThrottledModelBackend(ModelBackend):
    """Django's username-and-password backend, behind the sign-in throttle."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None:  # not a sign-in over HTTP (shell, test client)
            return super().authenticate(request, username, password, **kwargs)
        keys = _keys(str(username), client_ip(request))
        refused = _reserve(keys)
        _prune()
        if refused is not None:
            retry_after, scopes = refused
            setattr(request, _RETRY_AFTER, retry_after)
            record(
                context_from(request),
                "login_throttled",
                object_type="user",
                object_id=str(username)[:150],
                details={"retry_after": retry_after, "scopes": scopes},
            )
            raise PermissionDenied  # no other backend may let the right password in now
        user = super().authenticate(request, username, password, **kwargs)
        if user is not None:
            _give_back(keys)
        return user


def sign_in(request: HttpRequest, *, username: str, password: str) -> Any:
    """The active user these credentials name, or None; audited `login` / `login_failed`.

    Raises `LoginThrottled` during a cool-down (the backend audits `login_throttled`).
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        retry_after = getattr(request, _RETRY_AFTER, None)
        if retry_after is not None:
            raise LoginThrottled(retry_after)
        record(context_from(request), "login_failed", object_type="user", object_id=username)
        return None
    record(context_from(request, user), "login", object_type="user", object_id=username)
    return user
