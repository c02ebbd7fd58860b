"""Background jobs of approval routes: the periodic `escalate` job, queued by Celery beat
(`CELERY_BEAT_SCHEDULE` in the settings) in production."""

import logging

from celery import shared_task

from lifecycle.services.deadlines import escalate as run_escalation

logger = logging.getLogger(__name__)


@shared_task(name="lifecycle.tasks.escalate", ignore_result=True)
def escalate() -> dict[str, int]:
    """Remind approvers of deadlines ahead, mark overdue tasks and hand them on."""
    done = run_escalation()
    if done.reminded or done.overdue:
        logger.info(
            "escalate: %s reminded, %s overdue, %s escalated",
            done.reminded,
            done.overdue,
            done.escalated,
        )
    return {"reminded": done.reminded, "overdue": done.overdue, "escalated": done.escalated}
