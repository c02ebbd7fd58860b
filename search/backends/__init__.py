"""Backend selection: `SEARCH_URL` set -> Elasticsearch, unset -> embedded tantivy."""

import threading

from django.conf import settings

from search.backends.base import (
    Hit,
    IndexedEntry,
    RecordsRejected,
    SearchBackend,
    SearchOutcome,
    SearchRequest,
    SearchUnavailable,
)

__all__ = [
    "Hit",
    "IndexedEntry",
    "RecordsRejected",
    "SearchBackend",
    "SearchOutcome",
    "SearchRequest",
    "SearchUnavailable",
    "get_backend",
]

_backends: dict[tuple[str, str, str], SearchBackend] = {}
_guard = threading.Lock()


def get_backend() -> SearchBackend:
    """The configured backend, one per process and configuration."""
    key = (settings.SEARCH_URL, str(settings.SEARCH_INDEX_DIR), settings.SEARCH_INDEX_PREFIX)
    with _guard:
        backend = _backends.get(key)
        if backend is None:
            # Only the configured engine's client library is loaded.
            if settings.SEARCH_URL:
                from search.backends.elastic import ElasticsearchBackend

                backend = ElasticsearchBackend(settings.SEARCH_URL, settings.SEARCH_INDEX_PREFIX)
            else:
                from search.backends.embedded import EmbeddedBackend

                backend = EmbeddedBackend(settings.SEARCH_INDEX_DIR)
            _backends[key] = backend
        return backend


def backend_name() -> str:
    return "elasticsearch" if settings.SEARCH_URL else "tantivy"
