"""The one place that answers "which documents and folders may this user see or act on".

Every read path (lists, detail, download, text, versions, links, duplicates) goes through
`documents_for()`; single-object checks are the same filter plus `pk=`, so a list and an object
check cannot disagree. Search asks its engine with the same ranks written as index terms
(`permissions.index_terms`) and re-checks each page of hits here. The rule, for one user U, one
permission P and one document D:

1. Administrators (superusers, `role:admin`) hold every permission on everything.
2. The owner of D holds every permission on D, whatever the entries say, unless an administrator
   switched `owner_rights` off on D's ACL. The same holds for a folder's owner on that folder
   (not on what is inside it).
3. Otherwise the entries for P naming any of U's principals (`user:U`, `group:<each group>`,
   `role:<each role>`, `everyone`) are ranked by level: entries on D itself are level 0, entries
   on D's folder level 1, its parent level 2, and so on up to the root. `inherit: false` on D
   drops every folder level; `inherit: false` on a folder drops the levels above that folder.
4. The nearest level holding any such entry decides; at that level a deny beats an allow. So a
   deny beats allows at its own level and at every level above it, an entry on the object beats
   inherited ones, and an allow on a subfolder re-grants what a deny further up took away.
5. No entry and no owner right: no permission (deny by default).
6. Extra grant sources (`register_grant_source`) add allows on top, e.g. approvers of a running
   route step viewing the version under review; their sources say `"on": "route"`.

Evaluation is set-based SQL: the folders on which U holds P come from one grouped query over
`AccessControlEntry` joined to the `FolderAncestor` closure table (ranks are `2*level + allow`,
the minimum decides: odd = allow); documents then filter on `folder_id IN (...)` plus the few
documents that carry entries of their own. No per-row Python, the same on SQLite and PostgreSQL.

The rule has three readers, one module each: this one (the rule), `permissions.explain` (which
entries decide, for the effective-permissions answer) and `permissions.index_terms` (the rule
as search terms, property-tested against `documents_for()`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, F, IntegerField, Min, Q, QuerySet, Value, When
from django.db.models.functions import Mod

from core.compiled import CompiledRows
from permissions import generation
from permissions.codes import Permission
from permissions.models import AccessControlEntry, AccessControlList, Effect, FolderAncestor
from permissions.principals import is_admin, principals_of
from permissions.sql import id_in
from repository.models import Document, Folder


def _is_authenticated(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- Extra grant sources (routes) -----------------------------------------------------------


@dataclass(frozen=True)
class GrantSource:
    """Another reason than the ACL to hold a permission (e.g. `route` for approvers).

    `document_ids(user, permission)` returns a queryset of document ids (or None for none);
    `viewers(document_ids)` the principals that may view each of these documents through this
    source (one query for many documents: the indexer asks for a batch). The
    queryset's SQL must not depend on data an ACL write would not change: `visible_rows`
    keeps the compiled SQL until the ACL generation token changes, and runs it live.
    """

    name: str
    document_ids: Callable[[Any, str], QuerySet[Any] | None]
    viewers: Callable[[list[int]], dict[int, set[str]]]


_grant_sources: dict[str, GrantSource] = {}


def register_grant_source(source: GrantSource) -> None:
    """Hook for other apps (lifecycle: approvers of a running step get view/download)."""
    _grant_sources[source.name] = source


def extra_grant_filter(user: Any, permission: str) -> Q:
    condition = Q(pk__in=[])
    for source in _grant_sources.values():
        ids = source.document_ids(user, permission)
        if ids is not None:
            condition |= Q(pk__in=ids)
    return condition


def grant_source_viewers(document_ids: list[int]) -> dict[int, set[str]]:
    """Principals the grant sources let view each document (for the search index)."""
    viewers: dict[int, set[str]] = {}
    for source in _grant_sources.values():
        for document_id, principals in source.viewers(document_ids).items():
            viewers.setdefault(document_id, set()).update(principals)
    return viewers


# --- The set-based rule ---------------------------------------------------------------------


def _rank(depth: Any, effect_field: str) -> Any:
    """2*level + 1 for an allow, 2*level for a deny: the minimum decides, deny wins ties."""
    return depth * Value(2) + Case(
        When(**{effect_field: Effect.DENY}, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )


def allowed_folder_ids(principals: list[str], permission: str) -> QuerySet[Any]:
    """Ids of folders on which these principals hold `permission` through ACL entries."""
    return (
        FolderAncestor.objects.filter(
            is_inherited=True,
            ancestor__acl_entries__permission=permission,
            ancestor__acl_entries__principal__in=principals,
        )
        .values("folder_id")
        .annotate(best=Min(_rank(F("depth"), "ancestor__acl_entries__effect")))
        .annotate(parity=Mod("best", Value(2), output_field=IntegerField()))
        .filter(parity=1)
        .values("folder_id")
    )


# Up to this many ids are inlined into the documents query as a literal list; a larger set
# stays a subquery. Literal lists let the database scan documents once with a cheap membership
# test per row, where correlated-looking subqueries made SQLite re-probe several tables per row.
INLINE_ID_LIMIT = 5000


def _any(ids: list[int] | QuerySet[Any]) -> bool:
    """Whether a set from `_ids` holds anything (a queryset is only returned when it does)."""
    return isinstance(ids, QuerySet) or bool(ids)


def _ids(queryset: QuerySet[Any]) -> list[int] | QuerySet[Any]:
    """The ids of a small set as a list, or the queryset itself when the set is large."""
    ids = list(queryset[: INLINE_ID_LIMIT + 1])
    return queryset if len(ids) > INLINE_ID_LIMIT else ids


@dataclass(frozen=True)
class DocumentGrants:
    """What one user's principals are granted on documents, as the few small sets it takes.

    `folder_ids` are the folders passing the permission down; documents in them inherit it
    unless they are in `excluded` (entries of their own decide, or inheritance switched off).
    """

    owned: Q
    allowed: list[int]
    folder_ids: list[int] | QuerySet[Any]
    excluded: list[list[int] | QuerySet[Any]]

    @property
    def inherited(self) -> Q | None:
        if not _any(self.folder_ids):
            return None
        condition = id_in("folder_id", self.folder_ids)
        for ids in self.excluded:
            condition &= ~id_in("pk", ids)
        return condition

    @property
    def direct(self) -> Q:
        """Owner rights and entries on the documents themselves."""
        return self.owned | id_in("pk", self.allowed) if self.allowed else self.owned

    def parts(self) -> list[Q]:
        inherited = self.inherited
        return [self.direct] if inherited is None else [self.direct, inherited]


@dataclass(frozen=True)
class _GrantSets:
    allowed: list[int]
    with_entries: list[int]
    switched_off: list[int] | QuerySet[Any]
    not_inheriting: list[int] | QuerySet[Any]
    folder_ids: list[int] | QuerySet[Any]


def _grant_sets(principals: list[str], permission: str) -> _GrantSets:
    rows = list(
        AccessControlEntry.objects.filter(
            document__isnull=False, permission=permission, principal__in=principals
        ).values_list("document_id", "effect")
    )
    with_entries = {document_id for document_id, _ in rows}
    denied = {document_id for document_id, effect in rows if effect == Effect.DENY}
    switched_off = _ids(
        AccessControlList.objects.filter(document__isnull=False, owner_rights=False).values_list(
            "document_id", flat=True
        )
    )
    not_inheriting = _ids(
        AccessControlList.objects.filter(document__isnull=False, inherit=False).values_list(
            "document_id", flat=True
        )
    )
    folder_ids = _ids(
        allowed_folder_ids(principals, permission).values_list("folder_id", flat=True)
    )
    return _GrantSets(
        allowed=sorted(with_entries - denied),
        with_entries=sorted(with_entries),
        switched_off=switched_off,
        not_inheriting=not_inheriting,
        folder_ids=folder_ids,
    )


def document_grants(user: Any, principals: list[str], permission: str) -> DocumentGrants:
    """Owner rights, entries on the document itself, and entries inherited from folders.

    The small sets (granted folders, documents with entries of their own, switched-off owner
    rights, broken inheritance) are resolved first in a few indexed queries, or taken from the
    cache while the ACL generation token stands (`permissions.generation`); the documents
    query then filters on them in one pass.
    """
    sets = generation.cached(
        ("grants", tuple(sorted(principals)), permission),
        lambda: _grant_sets(principals, permission),
    )
    owned = Q(owner=user)
    if _any(sets.switched_off):
        owned &= ~id_in("pk", sets.switched_off)
    excluded = [ids for ids in (sets.with_entries, sets.not_inheriting) if _any(ids)]
    return DocumentGrants(
        owned=owned, allowed=sets.allowed, folder_ids=sets.folder_ids, excluded=excluded
    )


def _owner_filter(user: Any, target: str) -> Q:
    switched_off = AccessControlList.objects.filter(
        **{f"{target}__isnull": False, "owner_rights": False}
    ).values(f"{target}_id")
    return Q(owner=user) & ~Q(pk__in=switched_off)


@dataclass(frozen=True)
class Visibility:
    """Which live documents one user holds one permission on: all (administrators), none
    (anonymous), or those the grants and the extra grant sources name. `documents_for` turns
    it into a query, `permissions.counts` into a total: one rule for both."""

    everything: bool
    grants: DocumentGrants | None = None
    extra: Q | None = None

    def condition(self) -> Q:
        assert self.grants is not None and self.extra is not None
        condition = self.extra
        for part in self.grants.parts():
            condition |= part
        return condition


def visibility(user: Any, permission: str = Permission.VIEW) -> Visibility:
    if not _is_authenticated(user):
        return Visibility(everything=False)
    if is_admin(user):
        return Visibility(everything=True)
    return Visibility(
        everything=False,
        grants=document_grants(user, principals_of(user), permission),
        extra=extra_grant_filter(user, permission),
    )


def documents_for(user: Any, permission: str = Permission.VIEW) -> QuerySet[Any]:
    """Live (not trashed) documents on which `user` holds `permission`."""
    documents = Document.objects.filter(is_deleted=False)
    seen = visibility(user, permission)
    if seen.everything:
        return documents
    if seen.grants is None:
        return documents.none()
    return documents.filter(seen.condition())


def visible_rows(
    user: Any, columns: tuple[str, ...], ids: list[int], permission: str = Permission.VIEW
) -> list[dict[str, Any]]:
    """`documents_for(user, permission).filter(pk__in=ids).values(*columns)`, for hot paths.

    The same query, compiled once per user, permission and ACL generation (`CompiledRows`)
    instead of on every call: a page of search hits is re-checked this way. `columns` must
    include `id`; rows come in no particular order.
    """
    if not ids:
        return []
    compiled = generation.cached(
        ("visible-rows", user.pk, permission, columns),
        lambda: CompiledRows(documents_for(user, permission).values(*columns)),
    )
    return compiled.rows(ids)


def can(user: Any, permission: str, document: Any) -> bool:
    return documents_for(user, permission).filter(pk=document.pk).exists()


def folders_for(user: Any, permission: str = Permission.VIEW) -> QuerySet[Any]:
    """Folders on which `user` holds `permission` (same rule, the folder as the object)."""
    folders = Folder.objects.all()
    if not _is_authenticated(user):
        return folders.none()
    if is_admin(user):
        return folders
    principals = principals_of(user)
    return folders.filter(
        _owner_filter(user, "folder") | Q(pk__in=allowed_folder_ids(principals, permission))
    )


def can_on_folder(user: Any, permission: str, folder: Any) -> bool:
    return folders_for(user, permission).filter(pk=folder.pk).exists()
