"""What `/healthz` says of search: down search is reported, never fatal."""

from typing import Any

from search.backends import backend_name, get_backend
from search.indexer import pending_summary


def health_report() -> dict[str, Any]:
    """Backend, whether the engine answers, the outbox lag and the number of documents set
    aside by the indexer."""
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
