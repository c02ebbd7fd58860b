"""Document filters shared by `GET /documents/` and `GET /search/`: parsed once, applied twice.

A filter on a linked record is trimmed to what the user may see (`permissions.targets`), so this
module sits in the permissions layer of the import contract, beside the rule it applies.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from core.api import query_moment
from core.errors import Invalid
from permissions.targets import target_visible
from repository.models import DocumentLink, DocumentStatus, LinkTarget


@dataclass(frozen=True)
class DocumentFilters:
    folder: int | None = None
    document_type: str | None = None
    status: str | None = None
    tags: tuple[str, ...] = ()
    owner: str | None = None
    linked_to: tuple[str, int] | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None


def _int(params: Any, name: str) -> int | None:
    raw = params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise Invalid({name: [f"'{raw}' is not a whole number."]}) from None
    if value < 0 or value > 2**62:
        raise Invalid({name: [f"'{raw}' is out of range."]})
    return value


def _linked_to(params: Any) -> tuple[str, int] | None:
    raw = params.get("linked_to")
    if raw in (None, ""):
        return None
    kind, _, identifier = str(raw).partition(":")
    if kind not in LinkTarget.values or not identifier.isdigit():
        raise Invalid(
            {
                "linked_to": [
                    f"Expected <type>:<id> with type one of {', '.join(LinkTarget.values)}."
                ]
            }
        )
    return kind, int(identifier)


def parse_filters(params: Any, user: Any) -> DocumentFilters:
    """The filters of a list or search request, as `user` may apply them.

    A `linked_to` target the user cannot see matches nothing, the same as a missing one, so
    the filter never reveals that the target exists.
    """
    filters = _parse(params)
    if filters.linked_to:
        kind, identifier = filters.linked_to
        if not target_visible(user, kind, identifier):
            filters = replace(filters, linked_to=(kind, 0))
    return filters


def _parse(params: Any) -> DocumentFilters:
    status = params.get("status") or None
    if status is not None and status not in DocumentStatus.values:
        raise Invalid({"status": [f"Unknown status; one of {', '.join(DocumentStatus.values)}."]})
    tags = tuple(
        name.strip() for value in params.getlist("tag") for name in value.split(",") if name.strip()
    )
    return DocumentFilters(
        folder=_int(params, "folder"),
        document_type=params.get("document_type") or None,
        status=status,
        tags=tags,
        owner=params.get("owner") or None,
        linked_to=_linked_to(params),
        created_after=query_moment(params, "created_after"),
        created_before=query_moment(params, "created_before"),
    )


def apply_filters(documents: QuerySet[Any], filters: DocumentFilters) -> QuerySet[Any]:
    if filters.folder is not None:
        documents = documents.filter(folder_id=filters.folder)
    if filters.document_type:
        documents = documents.filter(document_type__slug=filters.document_type)
    if filters.status:
        documents = documents.filter(status=filters.status)
    for tag in filters.tags:
        documents = documents.filter(tags__name=tag)
    if filters.owner:
        documents = documents.filter(owner__username=filters.owner)
    if filters.linked_to:
        kind, identifier = filters.linked_to
        linked = DocumentLink.objects.filter(target_type=kind, target_id=identifier)
        documents = documents.filter(pk__in=linked.values("document_id"))
    if filters.created_after:
        documents = documents.filter(created_at__gte=filters.created_after)
    if filters.created_before:
        documents = documents.filter(created_at__lt=filters.created_before)
    return documents
