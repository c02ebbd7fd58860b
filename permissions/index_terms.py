"""The view rule as search terms: what is stored with each indexed document, and what one
user's search asks for, so that the engine keeps exactly the documents `documents_for` lists.

The rule (`permissions.selectors`; `permissions.explain.ranked_entries` lists its entries)
ranks every entry that reaches a document, 2*level + 1 for an allow and 2*level for a deny, and
among the entries naming one of the user's principals the lowest rank decides: odd, the user
may view. The index keeps that rank per principal, never per user, so a user created, added to
a group or role, moved or deactivated later is judged by the principals they hold when they
search, and no change of people touches the index. Entries, owner rights and the folder tree
do change the terms: their writes queue the documents concerned in the search outbox.

Levels: 0 owner rights and grant sources (they allow whatever the entries say), 1 the
document's own entries, 2 its folder, 3 the folder above, and so on while inheritance holds.
For a principal p whose lowest rank on a document is r, the document stores
- `allow<L>:p` when r = 2L + 1 (p's nearest entries allow and none of them denies);
- `cut<L>:p` for every level L holding some `allow` term with r <= 2L (p has an entry nearer
  than L, or a deny at L): whoever holds p is decided before an allow at L counts.
A user with principals P may view the document when, at some level L, one of `allow<L>:P`
is stored and none of `cut<L>:P`: exactly when the lowest rank among P is odd.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import Max

from permissions import generation
from permissions.codes import Permission, user_principal
from permissions.explain import ranked_entries
from permissions.models import AccessControlEntry, AccessControlList, Effect, FolderAncestor
from permissions.principals import is_admin, principals_of
from permissions.selectors import grant_source_viewers

OWNER_LEVEL = 0
DOCUMENT_LEVEL = 1
FOLDER_LEVEL = 2  # the document's own folder; each folder above is one level more


def _rank(level: int, effect: str) -> int:
    return 2 * level + int(effect == Effect.ALLOW)


def _keep_lowest(ranks: dict[str, int], principal: str, rank: int) -> None:
    ranks[principal] = min(ranks.get(principal, rank), rank)


def terms_of(ranks: dict[str, int]) -> list[str]:
    """The stored terms for the lowest rank of each principal (see the module docstring)."""
    allowed_levels = sorted({rank // 2 for rank in ranks.values() if rank % 2})
    terms: list[str] = []
    for principal, rank in ranks.items():
        if rank % 2:
            terms.append(f"allow{rank // 2}:{principal}")
        terms += [f"cut{level}:{principal}" for level in allowed_levels if rank <= 2 * level]
    return sorted(terms)


def _owner_and_sources(owner: str | None, viewers: set[str]) -> dict[str, int]:
    ranks: dict[str, int] = {}
    if owner is not None:
        ranks[user_principal(owner)] = _rank(OWNER_LEVEL, Effect.ALLOW)
    for principal in viewers:
        ranks[principal] = _rank(OWNER_LEVEL, Effect.ALLOW)
    return ranks


def document_ranks(document: Any) -> dict[str, int]:
    """The lowest view rank of each principal on one document, from the rule's own ranking."""
    acl = AccessControlList.objects.filter(document=document).first()
    owner = document.owner.get_username() if acl is None or acl.owner_rights else None
    ranks = _owner_and_sources(owner, grant_source_viewers([document.pk]).get(document.pk, set()))
    for item in ranked_entries(document, is_document=True):
        if item.source.permission == Permission.VIEW:
            # `ranked_entries` counts the document as level 0; here owners come first.
            _keep_lowest(ranks, item.source.principal, item.rank + 2 * DOCUMENT_LEVEL)
    return ranks


def index_terms(document: Any) -> list[str]:
    return terms_of(document_ranks(document))


def index_terms_many(documents: Iterable[Any]) -> dict[int, list[str]]:
    """`index_terms` for many documents: {document id: the same terms}.

    A document without an ACL row or entries of its own takes what its folder passes down,
    worked out once per folder from a few batched queries; only the owner and grant-source
    terms are its own. Documents with an ACL of their own are rare and go one by one.
    """
    documents = [document for document in documents if document.pk is not None]
    if not documents:
        return {}
    ids = [document.pk for document in documents]
    with_own_acl = set(
        AccessControlList.objects.filter(document_id__in=ids).values_list("document_id", flat=True)
    )
    with_own_acl.update(
        AccessControlEntry.objects.filter(document_id__in=ids).values_list("document_id", flat=True)
    )
    plain = [document for document in documents if document.pk not in with_own_acl]
    owners = dict(
        User.objects.filter(pk__in={document.owner_id for document in plain}).values_list(
            "pk", User.USERNAME_FIELD
        )
    )
    inherited = _folder_ranks({document.folder_id for document in plain})
    viewers = grant_source_viewers([document.pk for document in plain])
    terms: dict[int, list[str]] = {}
    for document in documents:
        if document.pk in with_own_acl:
            terms[document.pk] = index_terms(document)
            continue
        ranks = _owner_and_sources(owners[document.owner_id], viewers.get(document.pk, set()))
        for principal, rank in inherited.get(document.folder_id, {}).items():
            _keep_lowest(ranks, principal, rank)
        terms[document.pk] = terms_of(ranks)
    return terms


def _folder_ranks(folder_ids: set[int | None]) -> dict[int, dict[str, int]]:
    """Per folder, the view ranks it passes to a document without an ACL of its own: the
    folder itself is `FOLDER_LEVEL`, each folder above one more, while inheritance holds."""
    wanted = {folder_id for folder_id in folder_ids if folder_id is not None}
    links = FolderAncestor.objects.filter(folder_id__in=wanted, is_inherited=True).values_list(
        "folder_id", "ancestor_id", "depth"
    )
    reaching: dict[int, list[tuple[int, int]]] = {}
    for folder_id, ancestor_id, depth in links:
        reaching.setdefault(ancestor_id, []).append((folder_id, depth))
    ranks: dict[int, dict[str, int]] = {folder_id: {} for folder_id in wanted}
    entries = AccessControlEntry.objects.filter(
        folder_id__in=list(reaching), permission=Permission.VIEW
    ).values_list("folder_id", "principal", "effect")
    for ancestor_id, principal, effect in entries:
        for folder_id, depth in reaching[ancestor_id]:  # type: ignore[index]
            _keep_lowest(ranks[folder_id], principal, _rank(FOLDER_LEVEL + depth, effect))
    return ranks


# --- The query side -------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelTest:
    """At one level: one of `allow` stored and none of `cut`."""

    allow: tuple[str, ...]
    cut: tuple[str, ...]


@dataclass(frozen=True)
class SearchAccess:
    """What a search must add to its query: a document is kept when one level's test holds."""

    levels: tuple[LevelTest, ...]


def _deepest_level() -> int:
    depth = FolderAncestor.objects.filter(is_inherited=True).aggregate(deepest=Max("depth"))
    deepest = depth["deepest"]
    return DOCUMENT_LEVEL if deepest is None else FOLDER_LEVEL + int(deepest)


def search_access(user: Any) -> SearchAccess | None:
    """The terms a user's search must match (None: no trimming, for administrators).

    Built from the principals the user holds now, for every level a document may have.
    """
    if is_admin(user):
        return None
    principals = principals_of(user)
    deepest = generation.cached(("deepest-level",), _deepest_level)
    return SearchAccess(
        tuple(
            LevelTest(
                allow=tuple(f"allow{level}:{principal}" for principal in principals),
                # Nothing ranks below an owner's allow: level 0 is never cut.
                cut=tuple(f"cut{level}:{principal}" for principal in principals if level),
            )
            for level in range(deepest + 1)
            if principals
        )
    )
