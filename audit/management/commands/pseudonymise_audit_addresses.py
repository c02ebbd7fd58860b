"""Replace the IP addresses of audit events older than KONTOR_AUDIT_IP_RETENTION_DAYS by their
pseudonyms (Celery beat runs the same job daily; run this from cron without a broker)."""

from typing import Any

from django.core.management.base import BaseCommand

from audit.pseudonymise import forget_old_addresses


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: Any, **options: Any) -> None:
        count = forget_old_addresses()
        self.stdout.write(f"{count} audit event address(es) pseudonymised")
