"""How many documents a user may see, without scanning the documents.

An exact `documents_for(user).count()` reads every visible row: at a million documents that is
a full pass for every list page. The same number, from the same rule (selectors.py), adds up
whole folders instead:

    visible = inherited + direct-only
    inherited = sum of live documents in the granted folders (FolderCount, kept by triggers)
                - live documents in those folders that do not inherit (entries of their own,
                  inheritance switched off): a lookup by id over a small set
    direct-only = live documents granted by owner rights, their own entries or a grant source
                  that are not already counted as inherited: an indexed query over those sets

Used for the plain list and the list of one folder; other filters cut across folders and are
counted by the database as before.
"""

from typing import Any

from django.db.models import Q, QuerySet, Sum

from permissions.codes import Permission
from permissions.selectors import visibility
from permissions.sql import id_in
from repository.models import Document, FolderCount


def _folder_total(folder_ids: list[int] | QuerySet[Any] | None, folder: int | None) -> int:
    counts = FolderCount.objects.all()
    if folder_ids is not None:
        counts = counts.filter(id_in("folder_id", folder_ids))
    if folder is not None:
        counts = counts.filter(folder_id=folder)
    return int(counts.aggregate(total=Sum("live_documents"))["total"] or 0)


def count_documents_for(
    user: Any, permission: str = Permission.VIEW, *, folder: int | None = None
) -> int:
    """`documents_for(user, permission)` (optionally `.filter(folder_id=folder)`) `.count()`."""
    live = Document.objects.filter(is_deleted=False)
    if folder is not None:
        live = live.filter(folder_id=folder)
    seen = visibility(user, permission)
    if seen.everything:
        loose = 0 if folder is not None else live.filter(folder__isnull=True).count()
        return _folder_total(None, folder) + loose
    grants, extra = seen.grants, seen.extra
    if grants is None or extra is None:
        return 0
    inherited = grants.inherited
    if inherited is None:
        return int(live.filter(seen.condition()).count())
    total = _folder_total(grants.folder_ids, folder)
    if grants.excluded:
        not_inheriting = Q(pk__in=[])
        for ids in grants.excluded:
            not_inheriting |= id_in("pk", ids)
        in_folders = live.filter(id_in("folder_id", grants.folder_ids))
        total -= in_folders.filter(not_inheriting).count()
    # Two index-led counts rather than one OR: owner rights walk the owner index, the few
    # documents with entries of their own (or a grant source) are looked up by id.
    owned = live.filter(grants.owned).exclude(inherited).count()
    granted = id_in("pk", grants.allowed) | extra
    others = live.filter(granted).exclude(grants.owned).exclude(inherited).count()
    return total + owned + others
