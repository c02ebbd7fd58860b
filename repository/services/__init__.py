"""Repository use cases. Views call these; each runs in a transaction and writes its audit event."""

from repository.services.documents import (
    OnDuplicate,
    add_version,
    create_document,
    delete_document,
    exact_duplicates,
    lock_document,
    unlock_document,
    update_document,
)
from repository.services.duplicates import duplicates_of
from repository.services.links import add_link, remove_link, visible_links
from repository.services.reads import download_version, open_document, read_text

__all__ = [
    "OnDuplicate",
    "add_link",
    "add_version",
    "create_document",
    "delete_document",
    "download_version",
    "duplicates_of",
    "exact_duplicates",
    "lock_document",
    "open_document",
    "read_text",
    "remove_link",
    "unlock_document",
    "update_document",
    "visible_links",
]
