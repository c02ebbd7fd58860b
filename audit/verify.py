"""Recompute the hash chain and name the first event that does not fit."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from audit.chain import GENESIS_HASH, RAW_SCHEMES, SCHEMES, event_hash
from audit.keyed import seal
from audit.legacy import scheme_1_readings
from audit.models import AuditEvent


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    reason: str = ""


def verify_chain(chunk_size: int = 2000) -> Verification:
    """Walk the chain in `seq` order: continuity, links and every event's own hash."""
    previous_hash = GENESIS_HASH
    previous_seq = 0
    checked = 0
    events = AuditEvent.objects.order_by("seq").values(
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
    for event in events.iterator(chunk_size=chunk_size):
        checked += 1
        seq = event["seq"]
        if seq != previous_seq + 1:
            return Verification(False, checked, seq, f"expected seq {previous_seq + 1}")
        if event["prev_hash"] != previous_hash:
            return Verification(False, checked, seq, "prev_hash does not match the previous hash")
        if event["hash_scheme"] not in SCHEMES:
            return Verification(False, checked, seq, "unknown hash scheme")
        if not content_matches(event):
            return Verification(False, checked, seq, "content does not match its hash")
        previous_hash = event["hash"]
        previous_seq = seq
    return Verification(True, checked)


def content_matches(event: Mapping[str, Any]) -> bool:
    """Whether the event holds what its hash was made of, or (an event hashed before scheme 3,
    pseudonymised since) what its seal was made of."""
    if event["seal"]:
        return event["hash_scheme"] in RAW_SCHEMES and event["seal"] == seal(
            event_hash=event["hash"],
            ip=event["ip"],
            ip_digest=event["ip_digest"],
            details=event["details"],
        )
    if event["ip_digest"] and event["hash_scheme"] in RAW_SCHEMES:
        return False  # only a seal vouches for a digest on these
    return _hash_matches(event)


def _hash_matches(event: Mapping[str, Any]) -> bool:
    return any(
        event_hash(
            scheme=event["hash_scheme"],
            prev_hash=event["prev_hash"],
            seq=event["seq"],
            at=event["at"],
            actor_username=event["actor_username"],
            ip=ip,
            user_agent=event["user_agent"],
            action=event["action"],
            object_type=event["object_type"],
            object_id=event["object_id"],
            details=details,
            ip_digest=event["ip_digest"],
        )
        == event["hash"]
        for ip, details in _readings(event)
    )


def _readings(event: Mapping[str, Any]) -> Iterator[tuple[str | None, Any]]:
    """The (ip, details) the hash may cover: as read, and for scheme 1 the legacy spellings."""
    if event["hash_scheme"] == 1:
        yield from scheme_1_readings(event["ip"], event["details"])
    else:
        yield event["ip"], event["details"]
