"""Search: index documents, backends (elasticsearch | embedded), outbox indexer.

Public face: `document_changed()` / `documents_changed()` (call inside the transaction of any
change that affects search: they only write outbox rows) and `health_report()`.
"""

from collections.abc import Iterable
from typing import Any


def document_changed(document_id: int) -> None:
    """Queue a (re)index of the document; written in the caller's transaction."""
    from search.indexer import queue

    queue([document_id])


def documents_changed(document_ids: Iterable[int]) -> None:
    """Queue a (re)index of many documents (ACL or group changes); in the caller's transaction."""
    from search.indexer import queue

    queue(document_ids)


def health_report() -> dict[str, Any]:
    """Backend, whether the engine answers, the outbox lag and the number of documents set
    aside by the indexer; search down is not fatal."""
    from search.backends import backend_name, get_backend
    from search.indexer import pending_summary

    report: dict[str, Any] = {"backend": backend_name()}
    try:
        report["engine"] = "ok" if get_backend().ping() else "down"
    except Exception:
        report["engine"] = "down"
    try:
        report.update(pending_summary())
    except Exception as error:
        report["outbox"] = f"unavailable: {error.__class__.__name__}"
    return report
