"""A document's duplicates as its reader may know them: documents they may view with the same
bytes (`exact`) or a text whose estimated similarity reaches the threshold (`near`)."""

from typing import Any

from repository.models import Document
from repository.near_duplicates import near_duplicates
from repository.services.documents import exact_duplicates


def duplicates_of(user: Any, document: Document) -> list[dict[str, Any]]:
    """Exact duplicates, then near ones best first; `user` may view `document` (checked by the
    caller through `get_document`, as for every read of it)."""
    version = document.current_version
    if version is None:
        return []
    exact = exact_duplicates(user, version.sha256, exclude=document.pk)
    near = near_duplicates(user, version.pk, exclude=[duplicate["document"] for duplicate in exact])
    return exact + near
