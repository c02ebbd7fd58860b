"""Sign-off signatures: an HMAC-SHA256 with the server's key (`KONTOR_SIGNING_KEY`) over the
decision's fields, so that a decision changed in the database no longer verifies.

What is signed: the run, the document and its version (number and SHA-256, the exact bytes
decided on), the step, who decided (and for whom, when they stood in for an absent approver),
the decision, the comment and the moment, as canonical JSON. `on_behalf_of` is signed only when
set, so decisions signed before it existed still verify, and adding or removing it breaks them.
"""

import hashlib
import hmac
import json
from datetime import datetime
from typing import Any

from django.conf import settings


def signed_fields(
    *,
    run_id: int,
    document_id: int,
    version_number: int,
    sha256: str,
    step: int,
    actor_username: str,
    decision: str,
    comment: str,
    decided_at: datetime,
    on_behalf_of: str = "",
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "run": run_id,
        "document": document_id,
        "version": version_number,
        "sha256": sha256,
        "step": step,
        "actor": actor_username,
        "decision": decision,
        "comment": comment,
        "decided_at": decided_at.isoformat(),
    }
    if on_behalf_of:
        fields["on_behalf_of"] = on_behalf_of
    return fields


def sign(fields: dict[str, Any]) -> str:
    message = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = settings.KONTOR_SIGNING_KEY.encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def is_valid(fields: dict[str, Any], signature: str) -> bool:
    return hmac.compare_digest(sign(fields), signature)
