"""The audit trail's periodic job (Celery beat, `CELERY_BEAT_SCHEDULE`)."""

from celery import shared_task

from audit.pseudonymise import forget_old_addresses


@shared_task(name="audit.tasks.pseudonymise_audit_addresses")
def pseudonymise_audit_addresses() -> int:
    """Replace the IP addresses of events past the retention by their pseudonyms."""
    return forget_old_addresses()
