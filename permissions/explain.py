"""Why a user holds what they hold: the effective-permissions answer, entry by entry.

`permissions.selectors` is the rule as set-based SQL; this module walks the same ranking one
object at a time, so that the answer can name the entries (or the owner right, the administrator
role, a grant source) that decide each permission. `ranked_entries` is also what
`permissions.index_terms` writes into the search index. Tests check that both agree with
`documents_for()`.
"""

from dataclasses import dataclass
from typing import Any

from permissions.codes import Permission, user_principal
from permissions.models import AccessControlEntry, AccessControlList, Effect, FolderAncestor
from permissions.principals import is_admin, principals_of
from permissions.selectors import extra_grant_filter


@dataclass(frozen=True)
class Source:
    permission: str
    effect: str
    principal: str
    on: str
    inherited: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "permission": self.permission,
            "effect": self.effect,
            "principal": self.principal,
            "on": self.on,
            "inherited": self.inherited,
        }


@dataclass(frozen=True)
class RankedEntry:
    rank: int
    source: Source


def ranked_entries(target: Any, *, is_document: bool) -> list[RankedEntry]:
    """Every entry that reaches `target`, ranked by level (ignores principals)."""
    ranked: list[RankedEntry] = []
    inherit = True
    folder_id: int | None
    if is_document:
        acl = AccessControlList.objects.filter(document=target).first()
        inherit = acl.inherit if acl else True
        for entry in AccessControlEntry.objects.filter(document=target):
            source = Source(
                entry.permission, entry.effect, entry.principal, f"document:{target.pk}", False
            )
            ranked.append(RankedEntry(int(entry.effect == Effect.ALLOW), source))
        folder_id = target.folder_id
        offset = 1
    else:
        folder_id = target.pk
        offset = 0
    if folder_id is None or not inherit:
        return ranked
    links = FolderAncestor.objects.filter(folder_id=folder_id, is_inherited=True)
    depths = dict(links.values_list("ancestor_id", "depth"))
    for entry in AccessControlEntry.objects.filter(folder_id__in=depths):
        level = depths[entry.folder_id] + offset  # type: ignore[index]
        source = Source(
            entry.permission, entry.effect, entry.principal, f"folder:{entry.folder_id}", level > 0
        )
        ranked.append(RankedEntry(2 * level + int(entry.effect == Effect.ALLOW), source))
    return ranked


def explain(user: Any, target: Any, *, is_document: bool = True) -> dict[str, Any]:
    """Effective permissions of `user` on a document (or folder) and where each comes from.

    Follows the module rule exactly; a test checks it agrees with `documents_for()`.
    """
    principal = user_principal(user.get_username())
    if is_admin(user):
        granted = [Source(p, Effect.ALLOW, principal, "admin", False) for p in Permission.values]
        return _explanation(principal, granted)
    principals = set(principals_of(user))
    target_key = "document" if is_document else "folder"
    acl = AccessControlList.objects.filter(**{target_key: target}).first()
    owner_rights = acl.owner_rights if acl else True
    is_owner = owner_rights and target.owner_id == user.pk
    ranked = ranked_entries(target, is_document=is_document)
    sources: list[Source] = []
    for permission in Permission.values:
        if is_owner:
            sources.append(Source(permission, Effect.ALLOW, principal, "owner", False))
            continue
        mine = [
            item
            for item in ranked
            if item.source.permission == permission and item.source.principal in principals
        ]
        if mine:
            best = min(item.rank for item in mine)
            level = best // 2
            effect = Effect.ALLOW if best % 2 else Effect.DENY
            sources.extend(
                item.source
                for item in mine
                if item.rank // 2 == level and item.source.effect == effect
            )
            if effect == Effect.ALLOW:
                continue
        if is_document and _granted_by_extra_source(user, permission, target):
            sources.append(Source(permission, Effect.ALLOW, principal, "route", False))
    return _explanation(principal, sources)


def _granted_by_extra_source(user: Any, permission: str, document: Any) -> bool:
    condition = extra_grant_filter(user, permission)
    return bool(type(document).objects.filter(condition, pk=document.pk).exists())


def _explanation(principal: str, sources: list[Source]) -> dict[str, Any]:
    held = {s.permission for s in sources if s.effect == Effect.ALLOW}
    return {
        "principal": principal,
        "permissions": [p for p in Permission.values if p in held],
        "sources": [s.as_dict() for s in sources],
    }
