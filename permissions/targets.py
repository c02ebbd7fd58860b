"""What a link may point at, as a user sees it: a document they may view, or a CRM record the
CRM's rule (`crm.selectors`) lets them see. A target out of sight answers like a missing one."""

from typing import Any

from django.db.models import QuerySet

from crm.models import MODELS
from crm.selectors import record_exists, records_for
from permissions.selectors import documents_for
from repository.models import DocumentLink, LinkTarget


def target_visible(user: Any, target_type: str, target_id: int) -> bool:
    if target_type == LinkTarget.DOCUMENT:
        return bool(documents_for(user).filter(pk=target_id).exists())
    return record_exists(user, target_type, target_id)


def hidden_links(user: Any, links: QuerySet[DocumentLink]) -> QuerySet[DocumentLink]:
    """Those of `links` whose target the user cannot see (a document or a CRM record)."""
    hidden = links.filter(target_type=LinkTarget.DOCUMENT).exclude(
        target_id__in=documents_for(user).values("pk")
    )
    for kind in MODELS:
        hidden = hidden | links.filter(target_type=kind).exclude(
            target_id__in=records_for(user, kind).values("pk")
        )
    return hidden
