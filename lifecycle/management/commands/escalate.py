from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.dateparse import parse_datetime

from lifecycle.services.deadlines import escalate


class Command(BaseCommand):
    help = (
        "Remind approvers of deadlines ahead, mark overdue approval tasks, e-mail about them and "
        "hand them to their step's escalation principal. Run it from cron in embedded mode "
        "(production runs it through Celery beat)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--now",
            help="Act as if it were this moment (ISO 8601 with a UTC offset), e.g. to check "
            "what a later run would do.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now = None
        if options["now"]:
            now = parse_datetime(options["now"])
            if now is None or now.tzinfo is None:
                raise CommandError("--now takes an ISO 8601 moment with its UTC offset.")
        done = escalate(now=now)
        self.stdout.write(
            f"{done.reminded} reminded, {done.overdue} overdue, {done.escalated} escalated"
        )
