"""Recompute the hash chain and name the first event that does not fit."""

from dataclasses import dataclass

from audit.chain import GENESIS_HASH, event_hash
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
    )
    for event in events.iterator(chunk_size=chunk_size):
        checked += 1
        seq = event["seq"]
        if seq != previous_seq + 1:
            return Verification(False, checked, seq, f"expected seq {previous_seq + 1}")
        if event["prev_hash"] != previous_hash:
            return Verification(False, checked, seq, "prev_hash does not match the previous hash")
        recomputed = event_hash(
            prev_hash=event["prev_hash"],
            seq=seq,
            at=event["at"],
            actor_username=event["actor_username"],
            ip=event["ip"],
            user_agent=event["user_agent"],
            action=event["action"],
            object_type=event["object_type"],
            object_id=event["object_id"],
            details=event["details"],
        )
        if recomputed != event["hash"]:
            return Verification(False, checked, seq, "content does not match its hash")
        previous_hash = event["hash"]
        previous_seq = seq
    return Verification(True, checked)
