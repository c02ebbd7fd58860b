"""Background job of the search index: drain the outbox (Celery in production, in-process
right after commit in embedded mode)."""

from celery import shared_task
from django.conf import settings

from search import indexer


@shared_task(bind=True, acks_late=True, max_retries=None)
def drain_outbox(self: object) -> int:
    """Index what the outbox holds; while the engine is down, retry with back-off."""
    indexer.drain_started()
    report = indexer.drain()
    if report.error:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            indexer.retry_in_process(report.retry_after)
        else:
            raise self.retry(countdown=report.retry_after)  # type: ignore[attr-defined]
    return report.indexed
