"""The `route` grant source: approvers of a running route step may view and download the
version under review, whatever the ACL says, and nothing more.

The fact "this principal is an approver of an active step" is held here, as `ReviewGrant`
rows the lifecycle writes when a step starts and removes when it ends (`grant_review`,
`end_review`), so the permission rule reads a table of its own layer. The grants give `view`
and `download` of the document, and of no other version than the one under review
(`reviewed_versions`).
"""

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from permissions.codes import Permission
from permissions.models import ReviewGrant
from permissions.principals import principals_of
from permissions.selectors import GrantSource, visibility
from repository.models import Document

REVIEW_PERMISSIONS = frozenset({Permission.VIEW, Permission.DOWNLOAD})


def grant_review(
    *, document_id: int, version_id: int, run_id: int, principals: Iterable[str]
) -> None:
    """Let these principals view and download the version (call inside the step's transaction)."""
    ReviewGrant.objects.bulk_create(
        ReviewGrant(document_id=document_id, version_id=version_id, run_id=run_id, principal=p)
        for p in sorted(set(principals))
    )


def end_review(*, run_id: int) -> None:
    """The step (or run) ended: its approvers lose what the grants gave them."""
    ReviewGrant.objects.filter(run_id=run_id).delete()


def move_review(*, run_id: int, from_principal: str, to_principal: str) -> None:
    """An approver's task went to another principal: so does the grant."""
    ReviewGrant.objects.filter(run_id=run_id, principal=from_principal).update(
        principal=to_principal
    )


def _document_ids(user: Any, permission: str) -> QuerySet[Any] | None:
    if permission not in REVIEW_PERMISSIONS:
        return None
    # A live subquery: the grants change with every step, and the compiled SQL stays the same.
    return ReviewGrant.objects.filter(principal__in=principals_of(user)).values("document_id")


def _viewers(document_ids: list[int]) -> dict[int, set[str]]:
    viewers: dict[int, set[str]] = {}
    grants = ReviewGrant.objects.filter(document_id__in=document_ids)
    for document_id, principal in grants.values_list("document_id", "principal"):
        viewers.setdefault(document_id, set()).add(principal)
    return viewers


ROUTE = GrantSource(name="route", document_ids=_document_ids, viewers=_viewers)


def _acl_allows(user: Any, permission: str, document: Any) -> bool:
    """The rule without the grant sources: owner rights, entries, administrators."""
    seen = visibility(user, permission)
    if seen.everything:
        return True
    if seen.grants is None:
        return False
    condition = Q(pk__in=[])
    for part in seen.grants.parts():
        condition |= part
    return bool(Document.objects.filter(condition, pk=document.pk, is_deleted=False).exists())


def reviewed_versions(user: Any, document: Any, permission: str) -> set[int] | None:
    """The version ids `user` may reach through review grants only, or None when the ACL (or
    ownership, or administration) gives `permission` on the whole document."""
    if _acl_allows(user, permission, document):
        return None
    return set(
        ReviewGrant.objects.filter(
            document_id=document.pk, principal__in=principals_of(user)
        ).values_list("version_id", flat=True)
    )
