"""Keyed digests: what the chain covers in place of personal data, so that it can be replaced.

Since hash scheme 3 an event's hash covers, instead of its IP address and of each text in its
`details`, an HMAC of them under `KONTOR_AUDIT_KEY` (a plain hash of a name or an address could
be reversed by trying every name or address; a keyed one cannot without the key). A value may
then be replaced by its pseudonym, which carries that same digest:

- an address: the `ip` column emptied, its digest kept in `ip_digest`;
- a text in `details`: the marker `⟦pseudonym <digest>⟧` in its place.

`verify` computes the same hash from the pseudonym as from the value, and from nothing else: the
only change to a value that keeps an event verifying is replacing it by its own pseudonym.

Events hashed before scheme 3 cover the raw values. Pseudonymising one writes a `seal`, an HMAC
of its unchanged hash with what it holds now; `verify` accepts such an event when its seal
matches, and the rewrite is only done to an event that verified up to then, so a forged event
is never sealed.
"""

import hashlib
import hmac
import json
import re
from typing import Any

from django.conf import settings

from audit.canonical import canonical_details

_MARKER = re.compile(r"\A\u27e6pseudonym ([0-9a-f]{64})\u27e7\Z")


def keyed_digest(value: str) -> str:
    key = settings.KONTOR_AUDIT_KEY.encode()
    return hmac.new(key, value.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def pseudonym(value: str) -> str:
    """What replaces a text in `details`: the same for the same text, and it hashes alike."""
    if _MARKER.match(value):
        return value
    return f"\u27e6pseudonym {keyed_digest(value)}\u27e7"


def is_pseudonym(value: str) -> bool:
    return bool(_MARKER.match(value))


def text_digest(value: str) -> str:
    """The digest a text stands for in the chain (a pseudonym stands for its value's)."""
    match = _MARKER.match(value)
    return match.group(1) if match else keyed_digest(value)


def digested_details(details: Any) -> Any:
    """`details` with every text replaced by its digest (keys, numbers and booleans stay)."""
    if isinstance(details, dict):
        return {key: digested_details(item) for key, item in details.items()}
    if isinstance(details, list):
        return [digested_details(item) for item in details]
    if isinstance(details, str):
        return text_digest(details)
    return details


def address_digest(ip: str | None, stored_digest: str) -> str:
    """The digest an event's address stands for: of the address, or the one kept in its place."""
    return keyed_digest(ip) if ip else stored_digest


def seal(*, event_hash: str, ip: str | None, ip_digest: str, details: Any) -> str:
    """The seal of a pseudonymised event hashed before scheme 3 (see the module's docstring)."""
    payload = json.dumps(
        {
            "hash": event_hash,
            "ip": ip or "",
            "ip_digest": ip_digest,
            "details": canonical_details(details),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return keyed_digest(f"seal:{payload}")
