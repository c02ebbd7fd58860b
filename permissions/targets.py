"""What a link may point at, as a user sees it: a document they may view, or a CRM record the
CRM says they may see. A target out of sight answers like a missing one."""

from typing import Any

import crm
from permissions.selectors import documents_for
from repository.models import LinkTarget


def target_visible(user: Any, target_type: str, target_id: int) -> bool:
    if target_type == LinkTarget.DOCUMENT:
        return bool(documents_for(user).filter(pk=target_id).exists())
    return crm.record_exists(user, target_type, target_id)
