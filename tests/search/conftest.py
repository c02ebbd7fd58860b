"""Search tests run on whichever backend settings select: tantivy in the embedded run,
the Elasticsearch API stand-in (noida-db) when KONTOR_SEARCH_URL is set.

Each test gets an empty index: a fresh folder (tantivy) or a fresh index prefix (ES). In
production mode the Celery worker writes under the configured prefix, so there the shared
index is emptied instead.
"""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from search.backends import get_backend
from tests.conftest import PRODUCTION


def _drop_all(backend: Any) -> None:
    client = backend.client
    aliases = client.options(ignore_status=404).indices.get_alias(name=backend.read_alias)
    for name in getattr(aliases, "body", {}) or {}:
        if name.startswith(f"{backend.prefix}-documents-"):
            client.options(ignore_status=404).indices.delete(index=name)
    backend._ready = False


@pytest.fixture(autouse=True)
def search_index(settings: Any, tmp_path: Any) -> Iterator[Any]:
    settings.SEARCH_RETRY_IN_PROCESS = False
    if not settings.SEARCH_URL:
        settings.SEARCH_INDEX_DIR = tmp_path / "search-index"
        yield get_backend()
        return
    if not PRODUCTION:
        settings.SEARCH_INDEX_PREFIX = f"test{uuid.uuid4().hex[:10]}"
    backend = get_backend()
    _drop_all(backend)
    yield backend
    if not PRODUCTION:
        _drop_all(backend)
        elastic: Any = backend
        elastic.client.options(ignore_status=404).indices.delete_index_template(
            name=f"{elastic.prefix}-documents"
        )


@pytest.fixture
def live_index(search_index: Any) -> Any:
    """The emptied index, created now: in production the worker writes but never creates it
    (its backend still thinks the dropped index is there)."""
    search_index.live_index()
    return search_index
