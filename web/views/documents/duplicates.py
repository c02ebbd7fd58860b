"""The document page's duplicate warning (right after an upload) and its Duplicates section.

The section shows what `GET /api/v1/documents/{id}/duplicates/` answers the same person
(`repository.services.duplicates_of`); the warning shows what the upload answered, re-checked
against what the user may view now. Neither names a document the user may not view.
"""

from typing import Any

from django.http import HttpRequest

from permissions.selectors import documents_for
from repository import services
from repository.models import Document

# The session key under which an upload leaves its duplicates for the new document's page.
DUPLICATES_KEY = "kontor_upload_duplicates"


def remember_upload_duplicates(
    request: HttpRequest, document: Document, duplicates: list[dict[str, Any]]
) -> None:
    """Keep what the upload found for the warning on the new document's page."""
    if not duplicates:
        return
    left: dict[str, list[dict[str, Any]]] = request.session.get(DUPLICATES_KEY, {})
    left[str(document.pk)] = duplicates
    request.session[DUPLICATES_KEY] = left


def _titled(user: Any, duplicates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The duplicates the user may view, with their titles and the similarity in percent."""
    ids = [duplicate["document"] for duplicate in duplicates]
    titles = dict(documents_for(user).filter(pk__in=ids).values_list("pk", "title"))
    return [
        {
            "id": duplicate["document"],
            "title": titles[duplicate["document"]],
            "kind": duplicate["kind"],
            "percent": int(duplicate["similarity"] * 100),
        }
        for duplicate in duplicates
        if duplicate["document"] in titles
    ]


def _upload_warning(request: HttpRequest, document: Document) -> list[dict[str, Any]]:
    """What the upload of this document found, shown once."""
    left: dict[str, list[Any]] = request.session.get(DUPLICATES_KEY, {})
    found = left.pop(str(document.pk), None)
    if found is None:
        return []
    request.session[DUPLICATES_KEY] = left
    return _titled(request.user, found)


def duplicates_section(request: HttpRequest, document: Document) -> dict[str, Any]:
    """The context of the warning (`upload_duplicates`) and the section (`duplicates`)."""
    return {
        "upload_duplicates": _upload_warning(request, document),
        "duplicates": _titled(request.user, services.duplicates_of(request.user, document)),
    }
