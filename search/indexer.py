"""The outbox indexer: drains `IndexOutbox` rows into the engine, idempotently.

Protocol of one batch: read due rows; take a version ticket; read the documents' current
state; write it with that version (to the live index and to any index a reindex is building);
delete exactly the rows read. A change committed after the rows were read has its own row
and is written later with a higher ticket, so the engine, which keeps the highest version,
always ends on the newest state. When the engine is down the rows stay, with back-off.
"""

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone

from search.backends import SearchBackend, SearchUnavailable, get_backend
from search.models import IndexOutbox, ReindexJob, VersionTicket
from search.records import build_records

logger = logging.getLogger(__name__)


@dataclass
class DrainReport:
    indexed: int = 0
    failed: int = 0
    error: str = ""
    retry_after: float = 0.0


def queue(document_ids: Iterable[int]) -> None:
    """Outbox rows in the caller's transaction, and a drain once it commits."""
    ids = list(dict.fromkeys(int(document_id) for document_id in document_ids))
    if not ids:
        return
    IndexOutbox.objects.bulk_create([IndexOutbox(document_id=i) for i in ids], batch_size=500)
    transaction.on_commit(schedule_drain)


# One queued drain serves every commit until it starts: under a stream of uploads the worker
# runs a few drains with full batches instead of one drain per change.
DRAIN_SCHEDULED_KEY = "kontor:search:drain-scheduled"
DRAIN_SCHEDULED_TTL_SECONDS = 60


def _broker() -> Any:
    import redis

    global _broker_client
    if _broker_client is None:
        _broker_client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2)
    return _broker_client


_broker_client: Any = None


def _drain_already_scheduled() -> bool:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return False
    try:
        claimed = _broker().set(DRAIN_SCHEDULED_KEY, 1, nx=True, ex=DRAIN_SCHEDULED_TTL_SECONDS)
    except Exception:
        return False  # no coalescing without the broker's answer; a drain too many is harmless
    return not claimed


def drain_started() -> None:
    """Called by a drain before it reads the outbox: later commits schedule a new one."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return
    try:
        _broker().delete(DRAIN_SCHEDULED_KEY)
    except Exception:
        logger.warning("could not clear the scheduled-drain mark; it expires by itself")


def schedule_drain() -> None:
    from search.tasks import drain_outbox

    if _drain_already_scheduled():
        return
    try:
        drain_outbox.delay()
    except Exception:
        # The rows stay in the outbox; the next drain, a retry or the command picks them up.
        logger.exception("could not queue the search outbox drain")


def take_ticket() -> int:
    """A version greater than every ticket taken before, in any process."""
    ticket = VersionTicket.objects.create()
    VersionTicket.objects.filter(pk__lte=ticket.pk).delete()
    return ticket.pk


def write_documents(backend: SearchBackend, document_ids: Iterable[int]) -> int:
    """Index the documents' current state (tombstones for trashed or missing ones)."""
    version = take_ticket()
    records = build_records(document_ids)
    backend.write(records, version)
    for job in ReindexJob.objects.filter(backend=backend.name, finished_at__isnull=True):
        if backend.index_exists(job.target):
            backend.write(records, version, index=job.target)
    return len(records)


def backoff_seconds(attempts: int) -> float:
    base: float = settings.SEARCH_RETRY_BASE_SECONDS
    return float(min(settings.SEARCH_RETRY_MAX_SECONDS, base * 2 ** min(attempts, 16)))


def drain(*, include_deferred: bool = False, max_batches: int | None = None) -> DrainReport:
    """Index every due outbox row; on an engine error keep the rows and report when to retry."""
    backend = get_backend()
    report = DrainReport()
    batches = 0
    while max_batches is None or batches < max_batches:
        batches += 1
        due = IndexOutbox.objects.all()
        if not include_deferred:
            due = due.filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now())
            )
        rows = list(
            due.order_by("id").values_list("id", "document_id", "attempts")[
                : settings.SEARCH_DRAIN_BATCH
            ]
        )
        if not rows:
            break
        row_ids = [row_id for row_id, _document, _attempts in rows]
        try:
            report.indexed += write_documents(backend, {document for _, document, _ in rows})
        except Exception as error:
            if not isinstance(error, SearchUnavailable):
                logger.exception("indexing documents failed")
            attempts = max(attempts for _, _, attempts in rows)
            report.failed += len(rows)
            report.error = f"{error.__class__.__name__}: {error}"[:500]
            report.retry_after = backoff_seconds(attempts)
            IndexOutbox.objects.filter(pk__in=row_ids).update(
                attempts=F("attempts") + 1,
                next_attempt_at=timezone.now() + timedelta(seconds=report.retry_after),
                last_error=report.error,
            )
            break
        IndexOutbox.objects.filter(pk__in=row_ids).delete()
        # The engine answers: rows deferred by an earlier outage can go now too.
        include_deferred = True
    return report


_retry_timer: threading.Timer | None = None
_retry_guard = threading.Lock()


def retry_in_process(delay: float) -> None:
    """Embedded mode: drain again after `delay` seconds in a background thread (one at a time)."""
    global _retry_timer
    if not settings.SEARCH_RETRY_IN_PROCESS:
        return
    with _retry_guard:
        if _retry_timer is not None and _retry_timer.is_alive():
            return
        _retry_timer = threading.Timer(delay, _retry)
        _retry_timer.daemon = True
        _retry_timer.start()


def _retry() -> None:
    global _retry_timer
    with _retry_guard:
        _retry_timer = None
    close_old_connections()
    try:
        report = drain()
    except Exception:
        logger.exception("search outbox retry failed")
        report = DrainReport(error="unexpected", retry_after=settings.SEARCH_RETRY_MAX_SECONDS)
    finally:
        close_old_connections()
    if report.error or IndexOutbox.objects.exists():
        pending = IndexOutbox.objects.order_by("next_attempt_at").first()
        delay = report.retry_after or settings.SEARCH_RETRY_BASE_SECONDS
        if pending is not None and pending.next_attempt_at is not None:
            delay = max(0.05, (pending.next_attempt_at - timezone.now()).total_seconds())
        retry_in_process(delay)


def pending_summary() -> dict[str, object]:
    from django.db.models import Count, Min

    summary = IndexOutbox.objects.aggregate(count=Count("id"), oldest=Min("queued_at"))
    oldest = summary["oldest"]
    return {
        "outbox_lag": summary["count"],
        "oldest_pending_seconds": (
            round((timezone.now() - oldest).total_seconds(), 3) if oldest else 0.0
        ),
    }
