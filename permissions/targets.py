"""What a link may point at, as a user sees it: a document they may view, or a CRM record the
CRM's rule (`crm.selectors`) lets them see. A target out of sight answers like a missing one."""

from typing import Any

from crm.selectors import record_exists
from permissions.selectors import documents_for
from repository.models import LinkTarget


def target_visible(user: Any, target_type: str, target_id: int) -> bool:
    if target_type == LinkTarget.DOCUMENT:
        return bool(documents_for(user).filter(pk=target_id).exists())
    return record_exists(user, target_type, target_id)
