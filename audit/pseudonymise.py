"""Replacing personal data in audit events by pseudonyms: the one change the trail allows.

Two uses: the addresses of events older than `KONTOR_AUDIT_IP_RETENTION_DAYS`
(`forget_old_addresses`, run daily) and the texts naming a person whose data is erased
(`pseudonymise_texts`, called by the CRM's erasure). Rewrites run in a transaction that tells
PostgreSQL's append-only trigger so (`audit.triggers`), and keep every event verifying
(`audit.keyed`). An event hashed before scheme 3 is rewritten only if it verifies as it stands,
and then sealed: a forged event is never vouched for.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.canonical import canonical_ip
from audit.chain import RAW_SCHEMES
from audit.keyed import is_pseudonym, keyed_digest, pseudonym, seal
from audit.models import AuditEvent
from audit.verify import content_matches

_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_username",
    "ip",
    "user_agent",
    "action",
    "object_type",
    "object_id",
    "details",
    "prev_hash",
    "hash",
    "hash_scheme",
    "ip_digest",
    "seal",
)
_SETTING = "kontor.audit_pseudonymise"


@contextmanager
def _pseudonymising() -> Iterator[None]:
    """A transaction in which the trigger lets pseudonyms in, for the rewrites alone."""
    with transaction.atomic():
        _allow(True)
        try:
            yield
        finally:
            _allow(False)


def _allow(allowed: bool) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config(%s, %s, true)", [_SETTING, "on" if allowed else ""])


def _rewrite(event: dict[str, Any], *, forget_ip: bool, details: Any) -> bool:
    """Store the event's address as its digest (with `forget_ip`) and `details`; False, and
    nothing written, for an event hashed over raw values that does not verify as it stands."""
    if event["hash_scheme"] in RAW_SCHEMES and not content_matches(event):
        return False
    ip, ip_digest = event["ip"], event["ip_digest"]
    if forget_ip and ip:
        ip, ip_digest = None, keyed_digest(canonical_ip(ip) or "")
    changes: dict[str, Any] = {"ip": ip, "ip_digest": ip_digest, "details": details}
    if event["hash_scheme"] in RAW_SCHEMES:
        changes["seal"] = seal(
            event_hash=event["hash"], ip=ip, ip_digest=ip_digest, details=details
        )
    AuditEvent.objects.filter(pk=event["id"]).update(**changes)
    return True


def forget_old_addresses(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """Replace the addresses of events older than the retention by their digests; how many."""
    days = settings.KONTOR_AUDIT_IP_RETENTION_DAYS
    cutoff = (now or timezone.now()) - timedelta(days=days)
    done = 0
    last_seq = 0
    while True:
        with _pseudonymising():
            due = AuditEvent.objects.select_for_update().filter(
                ip__isnull=False, at__lt=cutoff, seq__gt=last_seq
            )
            rows = list(due.order_by("seq").values(*_FIELDS)[:batch_size])
            if not rows:
                return done
            for row in rows:
                done += _rewrite(row, forget_ip=True, details=row["details"])
            last_seq = rows[-1]["seq"]


def _replace_texts(value: Any, names_person: Callable[[str], bool]) -> tuple[Any, bool]:
    if isinstance(value, dict):
        pairs = {key: _replace_texts(item, names_person) for key, item in value.items()}
        return {key: item for key, (item, _) in pairs.items()}, any(
            changed for _, changed in pairs.values()
        )
    if isinstance(value, list):
        items = [_replace_texts(item, names_person) for item in value]
        return [item for item, _ in items], any(changed for _, changed in items)
    if isinstance(value, str) and not is_pseudonym(value) and names_person(value):
        return pseudonym(value), True
    return value, False


def pseudonymise_texts(
    events: QuerySet[AuditEvent], names_person: Callable[[str], bool]
) -> list[int]:
    """Replace each text in the events' `details` for which `names_person` holds by its
    pseudonym; the `seq` of the events rewritten."""
    rewritten = []
    with _pseudonymising():
        for row in events.select_for_update().order_by("seq").values(*_FIELDS):
            details, changed = _replace_texts(row["details"], names_person)
            if changed and _rewrite(row, forget_ip=False, details=details):
                rewritten.append(row["seq"])
    return rewritten
