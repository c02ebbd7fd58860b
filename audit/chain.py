"""The hash chain: what an event's hash covers, computed the same way on write and on verify.

Each event names the scheme its hash was made with, so a better encoding never breaks events
already in a database:

1. the fields as written by releases before the canonical form: JSON with sorted keys. The
   database could give back other numbers and addresses than were hashed (see `audit.legacy`).
2. the canonical form (`audit.canonical`), marked inside the hashed text, applied again to what
   is read: whatever either database returns for the stored values hashes the same.
3. as 2, but over keyed digests of the IP address and of each text in `details` (`audit.keyed`):
   replacing them by their pseudonyms keeps the event verifying.
"""

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from audit.canonical import canonical_details, canonical_ip, canonical_text
from audit.keyed import address_digest, digested_details

GENESIS_HASH = "0" * 64
CURRENT_SCHEME = 3
SCHEMES = (1, 2, 3)
# Schemes whose hash covers the raw address and details: pseudonymising them needs a seal.
RAW_SCHEMES = (1, 2)


def event_hash(
    *,
    scheme: int,
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
    ip_digest: str = "",
) -> str:
    if scheme == 1:
        fields: dict[str, Any] = {
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
        }
    elif scheme in (2, 3):
        fields = {
            "scheme": scheme,
            "prev": prev_hash,
            "seq": seq,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": canonical_text(actor_username),
            "ip": canonical_ip(ip) or "",
            "ua": canonical_text(user_agent),
            "action": canonical_text(action),
            "type": canonical_text(object_type),
            "id": canonical_text(object_id),
            "details": canonical_details(details),
        }
        if scheme == 3:
            fields["ip"] = address_digest(canonical_ip(ip), ip_digest)
            fields["details"] = digested_details(fields["details"])
    else:
        raise ValueError(f"unknown audit hash scheme {scheme}")
    payload = json.dumps(
        fields,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=scheme == 1,
        default=str,
    )
    # A tampered row may hold a lone surrogate: it then fails to match rather than fails verify.
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
