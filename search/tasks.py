"""Background job of the search index: drain the outbox (Celery in production, in-process
right after commit in embedded mode), and its scheduling after each commit that queued rows."""

import logging
from typing import Any

from celery import shared_task
from django.conf import settings

from search import indexer

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=None)
def drain_outbox(self: object) -> int:
    """Index what the outbox holds; while the engine is down, retry with back-off."""
    drain_started()
    report = indexer.drain()
    if report.error:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            indexer.retry_in_process(report.retry_after)
        else:
            raise self.retry(countdown=report.retry_after)  # type: ignore[attr-defined]
    return report.indexed


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
    """Queue a drain once a transaction that wrote outbox rows commits (`repository.outbox`)."""
    if _drain_already_scheduled():
        return
    try:
        drain_outbox.delay()
    except Exception:
        # The rows stay in the outbox; the next drain, a retry or the command picks them up.
        logger.exception("could not queue the search outbox drain")
