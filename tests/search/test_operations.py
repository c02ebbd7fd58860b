"""Outbox, outage, versions, reindex and search_check, on the configured backend."""

import io
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from repository.filters import DocumentFilters
from repository.models import IndexOutbox
from search.backends import SearchRequest, get_backend
from search.indexer import drain, take_ticket
from search.models import ReindexJob
from search.query import parse_query
from search.records import IndexRecord, build_records, tombstone
from tests.conftest import PRODUCTION, wait_for
from tests.helpers import upload
from tests.search.test_search_api import found, ids, search


def _engine_search(query: str) -> set[int]:
    backend = get_backend()
    backend.refresh()
    outcome = backend.search(
        SearchRequest(query=parse_query(query), filters=DocumentFilters(), access=None)
    )
    return {hit.document_id for hit in outcome.hits}


def test_out_of_order_writes_converge_on_the_highest_version(transactional_db: None) -> None:
    """External versions: an older or repeated write after a newer one changes nothing."""
    backend = get_backend()
    newer = IndexRecord(id=4242, title="lynx newer", status="draft", viewers=["everyone"])
    older = IndexRecord(id=4242, title="puma older", status="draft", viewers=["everyone"])
    backend.write([newer], 20)
    backend.write([older], 10)
    backend.write([newer], 20)
    assert _engine_search("lynx") == {4242}
    assert _engine_search("puma") == set()
    backend.write([tombstone(4242)], 15)  # an old deletion does not win either
    assert _engine_search("lynx") == {4242}
    backend.write([tombstone(4242)], 30)
    assert _engine_search("lynx") == set()
    backend.write([newer], 25)  # nor does a late write resurrect a deleted document
    assert _engine_search("lynx") == set()


class _Outage:
    """Makes the engine unreachable for real: the embedded index folder becomes a path under
    a regular file (ENOTDIR, even for root); the ES stand-in server is stopped."""

    def __init__(self, settings_wrapper: Any, tmp_path: Path) -> None:
        self.settings = settings_wrapper
        self.tmp_path = tmp_path
        self.noida_dir = Path(
            os.environ.get(
                "KONTOR_TEST_NOIDA_DIR",
                Path(
                    os.environ.get(
                        "KONTOR_TEST_SERVICES_DIR", Path(settings.BASE_DIR) / "var/test-services"
                    )
                )
                / "es",
            )
        )
        self.index_dir = settings.SEARCH_INDEX_DIR

    def check(self) -> None:
        if settings.SEARCH_URL and not (self.noida_dir / "noida.control.json").exists():
            pytest.skip(f"cannot stop the search server: no noida-db under {self.noida_dir}")

    def _noida(self, command: str) -> None:
        noida = Path(settings.BASE_DIR) / ".venv/bin/noida-db"
        subprocess.run(
            [str(noida), command, "elasticsearch", "--data-dir", str(self.noida_dir)],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        if settings.SEARCH_URL:
            self._noida("stop")
        else:
            blocker = self.tmp_path / "not-a-folder"
            blocker.write_text("")
            self.settings.SEARCH_INDEX_DIR = blocker / "index"

    def end(self) -> None:
        if settings.SEARCH_URL:
            self._noida("start")
            wait_for(get_backend().ping, timeout=30)
        else:
            self.settings.SEARCH_INDEX_DIR = self.index_dir


def test_engine_down_during_uploads_loses_nothing(
    alice: APIClient, settings: Any, tmp_path: Path
) -> None:
    """Uploads succeed while the engine is down; /healthz reports the lag; once the engine is
    back the retries index everything without anyone draining by hand."""
    outage = _Outage(settings, tmp_path)
    outage.check()
    before = upload(alice, b"before the outage: heron", "0.txt").json()["id"]
    found(alice, "heron")
    settings.SEARCH_RETRY_IN_PROCESS = True
    settings.SEARCH_RETRY_BASE_SECONDS = 0.2
    settings.SEARCH_RETRY_MAX_SECONDS = 1.0
    outage.start()
    try:
        during = []
        for n in range(3):
            response = upload(alice, f"during the outage: heron {n}".encode(), f"{n}.txt")
            assert response.status_code == 201
            during.append(response.json()["id"])
        assert alice.delete(f"/api/v1/documents/{before}/").status_code == 204
        health = wait_for(
            lambda: (lambda body: body if body["search"].get("outbox_lag") else None)(
                alice.get("/healthz").json()
            ),
            timeout=20,
        )
        assert health["status"] == "ok"
        assert health["search"]["oldest_pending_seconds"] >= 0
        assert alice.get("/api/v1/search/", {"q": "heron"}).status_code in (200, 503)
    finally:
        outage.end()
    body = found(alice, "heron", 3)
    assert ids(body) == set(during)
    assert wait_for(lambda: not IndexOutbox.objects.exists(), timeout=60)
    assert alice.get("/healthz").json()["search"]["outbox_lag"] == 0


def test_search_answers_503_while_the_engine_is_down(
    alice: APIClient, settings: Any, tmp_path: Path
) -> None:
    outage = _Outage(settings, tmp_path)
    outage.check()
    outage.start()
    try:
        response = alice.get("/api/v1/search/", {"q": "anything"})
        assert response.status_code == 503
        assert response.json()["code"] == "service_unavailable"
        assert alice.get("/healthz").json()["search"]["engine"] == "down"
    finally:
        outage.end()


class _Interrupted(BaseException):
    """A killed process: nothing in the reindex catches it (a document that fails alone is
    set aside instead, and the rebuild goes on)."""


def test_reindex_swaps_the_index_while_search_answers_and_resumes(
    alice: APIClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reindex interrupted half-way leaves search answering from the old index; a change
    made meanwhile reaches both; the next run resumes, swaps, and drops the old index.
    (The interruption is simulated: a batch raises, as a killed process would stop there.)"""
    created = [upload(alice, f"kestrel {n}".encode(), f"{n}.txt").json()["id"] for n in range(4)]
    found(alice, "kestrel", 4)
    backend = get_backend()
    old_index = backend.live_index()

    from search.management.commands import reindex as command

    calls = {"n": 0}

    def failing_build(batch: list[int]) -> list[IndexRecord]:
        calls["n"] += 1
        if calls["n"] > 2:
            raise _Interrupted
        return build_records(batch)

    monkeypatch.setattr(command, "build_records", failing_build)
    with pytest.raises(_Interrupted):
        call_command("reindex", "--batch-size", "1", "--no-progress")
    job = ReindexJob.objects.get(finished_at__isnull=True)
    assert job.indexed == 2 and job.last_document_id == created[1]
    assert backend.live_index() == old_index
    assert search(alice, "kestrel")["count"] == 4
    late = upload(alice, b"kestrel late", "late.txt").json()["id"]
    found(alice, "kestrel", 5)

    monkeypatch.setattr(command, "build_records", build_records)
    out = io.StringIO()
    call_command("reindex", "--batch-size", "2", "--no-progress", stdout=out)
    assert "resuming" in out.getvalue()
    assert backend.live_index() == job.target != old_index
    assert not backend.index_exists(old_index)
    assert ids(found(alice, "kestrel", 5)) == {*created, late}
    call_command("search_check", stdout=io.StringIO())


def test_search_check_lists_a_missing_document_and_fixes_it(alice: APIClient) -> None:
    keep = upload(alice, b"osprey one", "1.txt").json()["id"]
    lost = upload(alice, b"osprey two", "2.txt").json()["id"]
    found(alice, "osprey", 2)
    call_command("search_check", stdout=io.StringIO())
    get_backend().write([tombstone(lost)], take_ticket())  # the index loses a document
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("search_check", stdout=out)
    assert f"missing\tdocument {lost}" in out.getvalue()
    assert str(keep) not in out.getvalue().split("checked")[0]
    call_command("search_check", "--fix", stdout=io.StringIO())
    if not PRODUCTION:
        drain()
    assert ids(found(alice, "osprey", 2)) == {keep, lost}
    call_command("search_check", stdout=io.StringIO())


def test_drain_command_indexes_deferred_rows(alice: APIClient) -> None:
    document_id = upload(alice, b"plover", "p.txt").json()["id"]
    found(alice, "plover")
    out = io.StringIO()
    call_command("drain_search_outbox", stdout=out)
    assert "pending 0" in out.getvalue()
    assert document_id in _engine_search("plover")
