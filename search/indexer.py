"""The outbox indexer: drains the repository's `IndexOutbox` rows into the engine, idempotently.

Protocol of one batch: read due rows; take a version ticket; read the documents' current
state; write it with that version (to the live index and to any index a reindex is building);
delete exactly the rows read. A change committed after the rows were read has its own row
and is written later with a higher ticket, so the engine, which keeps the highest version,
always ends on the newest state. When the engine is down the rows stay, with back-off.

A document whose record cannot be built, or which the engine refuses, fails alone: it is
withdrawn from the index, its row is set aside with the reason (`search_check` lists it,
`/healthz` counts it) and the rest of the batch goes in. The next successful index of that
document removes the set-aside row.
"""

import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from repository.models import IndexOutbox
from search.backends import RecordsRejected, SearchBackend, SearchUnavailable, get_backend
from search.models import ReindexJob, VersionTicket
from search.records import IndexRecord, build_records, tombstone

logger = logging.getLogger(__name__)

# Failures that say nothing about a document: everything is tried again later.
TRANSIENT_ERRORS = (SearchUnavailable, OperationalError, InterfaceError)


@dataclass
class DrainReport:
    indexed: int = 0
    failed: int = 0
    set_aside: int = 0
    error: str = ""
    retry_after: float = 0.0


def take_ticket() -> int:
    """A version greater than every ticket taken before, in any process."""
    ticket = VersionTicket.objects.create()
    VersionTicket.objects.filter(pk__lte=ticket.pk).delete()
    return ticket.pk


def _reason(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}"[:500]


def build_each(
    document_ids: Iterable[int],
    build: Callable[[Iterable[int]], list[IndexRecord]] = build_records,
) -> tuple[list[IndexRecord], dict[int, str]]:
    """The documents' records, and why some could not be built (one at a time after the whole
    batch failed, so one unreadable document does not hold back the others)."""
    wanted = sorted(set(document_ids))
    try:
        return build(wanted), {}
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        if len(wanted) == 1:
            return [], {wanted[0]: _reason(error)}
    records: list[IndexRecord] = []
    failures: dict[int, str] = {}
    for document_id in wanted:
        try:
            records += build([document_id])
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            failures[document_id] = _reason(error)
    return records, failures


def write_each(
    backend: SearchBackend, records: list[IndexRecord], version: int, *, index: str | None = None
) -> dict[int, str]:
    """Write the records; return why the engine refused some. A batch failing for a reason
    that is not the engine's absence is written again record by record, so that only the
    records that fail alone are refused."""
    if not records:
        return {}
    try:
        backend.write(records, version, index=index)
    except RecordsRejected as rejected:
        return dict(rejected.reasons)
    except TRANSIENT_ERRORS:
        raise
    except Exception as error:
        if len(records) == 1:
            return {records[0].id: _reason(error)}
        logger.warning("an index write failed (%s); writing one document at a time", error)
        failures: dict[int, str] = {}
        for record in records:
            failures.update(write_each(backend, [record], version, index=index))
        return failures
    return {}


def write_documents(
    backend: SearchBackend,
    document_ids: Iterable[int],
    *,
    index: str | None = None,
    build: Callable[[Iterable[int]], list[IndexRecord]] = build_records,
) -> dict[int, str]:
    """Index the documents' current state (tombstones for trashed or missing ones) into the
    live index and any index a reindex is building, or into `index` alone; return the
    documents that could not be indexed, with the reason. Raises while the engine is down.

    A document that could not be indexed is withdrawn (a tombstone) rather than left as it
    was: its old entry may name viewers who have lost access since.
    """
    version = take_ticket()
    records, failures = build_each(document_ids, build)
    targets = [index] if index is not None else _live_and_building(backend)
    for target in targets:
        writable = [record for record in records if record.id not in failures]
        failures.update(write_each(backend, writable, version, index=target))
    if failures:
        withdrawn = [tombstone(document_id) for document_id in sorted(failures)]
        for target in targets:
            backend.write(withdrawn, version, index=target)
    return failures


def _live_and_building(backend: SearchBackend) -> list[str | None]:
    """The live index (None) and the indexes unfinished reindex jobs are building."""
    jobs = ReindexJob.objects.filter(backend=backend.name, finished_at__isnull=True)
    return [None, *(job.target for job in jobs if backend.index_exists(job.target))]


def set_aside(failures: dict[int, str], rows: list[tuple[int, int]] | None = None) -> None:
    """Keep one outbox row per failed document, set aside with its reason.

    `rows` are (row id, document id) pairs the caller read; without one for a document (a
    reindex) a new row is written. Older set-aside rows of the document are replaced.
    """
    rows = rows or []
    newest: dict[int, int] = {}
    for row_id, document_id in rows:
        if document_id in failures:
            newest[document_id] = max(row_id, newest.get(document_id, 0))
    now = timezone.now()
    for document_id, reason in failures.items():
        logger.warning("document %s is set aside from the search index: %s", document_id, reason)
        with transaction.atomic():
            keep = newest.get(document_id)
            if keep is None:
                keep = IndexOutbox.objects.create(document_id=document_id).pk
            IndexOutbox.objects.filter(pk=keep).update(
                set_aside_at=now, last_error=reason[:500], next_attempt_at=None
            )
            IndexOutbox.objects.filter(document_id=document_id, pk__lt=keep).filter(
                Q(set_aside_at__isnull=False) | Q(pk__in=[row for row, _ in rows])
            ).delete()


def clear_indexed(rows: list[tuple[int, int]], failures: dict[int, str]) -> None:
    """Delete the rows of documents now indexed, and what was set aside for them before."""
    done = [(row_id, document_id) for row_id, document_id in rows if document_id not in failures]
    if not done:
        return
    newest: dict[int, int] = {}
    for row_id, document_id in done:
        newest[document_id] = max(row_id, newest.get(document_id, 0))
    earlier = Q()
    for document_id, row_id in newest.items():
        earlier |= Q(document_id=document_id, pk__lt=row_id)
    with transaction.atomic():
        IndexOutbox.objects.filter(pk__in=[row_id for row_id, _ in done]).delete()
        IndexOutbox.objects.filter(earlier, set_aside_at__isnull=False).delete()


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
        due = IndexOutbox.objects.filter(set_aside_at__isnull=True)
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
        documents = {document for _, document, _ in rows}
        try:
            failures = write_documents(backend, documents)
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
        read = [(row_id, document) for row_id, document, _attempts in rows]
        set_aside(failures, read)
        clear_indexed(read, failures)
        report.indexed += len(documents) - len(failures)
        report.set_aside += len(failures)
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
    waiting = IndexOutbox.objects.filter(set_aside_at__isnull=True)
    if report.error or waiting.exists():
        pending = waiting.order_by("next_attempt_at").first()
        delay = report.retry_after or settings.SEARCH_RETRY_BASE_SECONDS
        if pending is not None and pending.next_attempt_at is not None:
            delay = max(0.05, (pending.next_attempt_at - timezone.now()).total_seconds())
        retry_in_process(delay)


def pending_summary() -> dict[str, object]:
    """Rows waiting for the indexer, the oldest one's age, and how many are set aside (only
    the number: `/healthz` answers anyone, the documents and reasons are for `search_check`)."""
    waiting = IndexOutbox.objects.filter(set_aside_at__isnull=True)
    summary = waiting.aggregate(count=Count("id"), oldest=Min("queued_at"))
    oldest = summary["oldest"]
    return {
        "outbox_lag": summary["count"],
        "oldest_pending_seconds": (
            round((timezone.now() - oldest).total_seconds(), 3) if oldest else 0.0
        ),
        "set_aside": IndexOutbox.objects.filter(set_aside_at__isnull=False).count(),
    }


def set_aside_rows() -> list[IndexOutbox]:
    """The set-aside row of each document the indexer could not index, oldest first."""
    return list(
        IndexOutbox.objects.filter(set_aside_at__isnull=False).order_by("set_aside_at", "id")
    )
