"""Concurrent writers in separate OS processes never fork the chain (PostgreSQL)."""

import itertools
import multiprocessing
from typing import Any

import pytest
from django.db import connection

from audit.models import AuditEvent
from tests.audit.parallel_writer import write_events

WRITERS = 6
EVENTS_EACH = 40


def _database_url() -> str:
    settings: dict[str, Any] = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{settings['NAME']}"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL: parallel processes"
)
def test_parallel_processes_keep_one_unforked_chain(transactional_db: None) -> None:
    context = multiprocessing.get_context("spawn")
    url = _database_url()
    processes = [
        context.Process(target=write_events, args=(url, n, EVENTS_EACH)) for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    events = list(AuditEvent.objects.order_by("seq").values("seq", "prev_hash", "hash"))
    assert len(events) == WRITERS * EVENTS_EACH
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    for previous, event in itertools.pairwise(events):
        assert event["prev_hash"] == previous["hash"]
    from audit.verify import verify_chain

    assert verify_chain().ok
