"""Writing audit events. Call `record()` inside the transaction of the change it describes."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from audit.canonical import canonical_details, canonical_ip, canonical_text
from audit.chain import CURRENT_SCHEME, GENESIS_HASH, event_hash
from audit.models import AuditEvent

# Any constant works: it names the one advisory lock that serialises chain appends.
_CHAIN_LOCK_KEY = 0x4B4F4E544F52


@dataclass(frozen=True)
class RequestContext:
    """Who did something and from where; built once per request."""

    user: Any = None
    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def system(cls) -> "RequestContext":
        return cls()


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, unless it is a configured trusted proxy: then the last untrusted hop."""
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = set(settings.KONTOR_TRUSTED_PROXIES)
    if remote in trusted:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        for hop in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
            if hop not in trusted:
                remote = hop
                break
    return canonical_ip(remote)


def context_from(request: HttpRequest, user: Any = None) -> RequestContext:
    return RequestContext(
        user=user if user is not None else getattr(request, "user", None),
        ip=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
    )


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    # SQLite: transactions begin IMMEDIATE (settings), so writers are already serialised.


def _chain_head() -> tuple[int, str] | None:
    """(seq, hash) of the newest event: one indexed row, read on every append (every search
    appends), so without building an ORM query each time."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1")  # noqa: S608
        row = cursor.fetchone()
    return None if row is None else (int(row[0]), str(row[1]))


def record(
    context: RequestContext,
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, in the caller's transaction (or its own)."""
    user = context.user
    is_real_user = isinstance(user, AbstractBaseUser) and not isinstance(user, AnonymousUser)
    # Stored in the form both databases give back unchanged, so the hash covers what verify
    # reads (a search for "\0" is still recorded, its NUL as U+FFFD).
    clean_details = canonical_details(details)
    with transaction.atomic():
        _lock_chain()
        last = _chain_head()
        seq = (last[0] + 1) if last else 1
        prev_hash = last[1] if last else GENESIS_HASH
        fields: dict[str, Any] = {
            "seq": seq,
            "at": timezone.now(),
            "actor_username": canonical_text(user.get_username()) if is_real_user else "",
            "ip": canonical_ip(context.ip),
            "user_agent": canonical_text(context.user_agent)[:512],
            "action": canonical_text(action),
            "object_type": canonical_text(object_type),
            "object_id": canonical_text(str(object_id))[:64],
            "details": clean_details,
        }
        digest = event_hash(scheme=CURRENT_SCHEME, prev_hash=prev_hash, **fields)
        return AuditEvent.objects.create(
            actor=user if is_real_user else None,
            prev_hash=prev_hash,
            hash=digest,
            hash_scheme=CURRENT_SCHEME,
            **fields,
        )
