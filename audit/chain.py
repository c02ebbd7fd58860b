"""The hash chain: what an event's hash covers, computed the same way on write and on verify."""

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    at: datetime,
    actor_username: str,
    ip: str | None,
    user_agent: str,
    action: str,
    object_type: str,
    object_id: str,
    details: dict[str, Any],
) -> str:
    payload = json.dumps(
        {
            "prev": prev_hash,
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor_username,
            "ip": ip or "",
            "ua": user_agent,
            "action": action,
            "type": object_type,
            "id": object_id,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
