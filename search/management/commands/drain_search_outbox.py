"""`manage.py drain_search_outbox`: index what the outbox holds now, deferred rows included
(after an outage, or with `--loop` as a sidecar where no worker retries)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from search.indexer import drain, pending_summary


class Command(BaseCommand):
    help = "Drain the search outbox into the index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="keep draining every few seconds")
        parser.add_argument("--interval", type=float, default=5.0)

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            report = drain(include_deferred=True)
            summary = pending_summary()
            self.stdout.write(
                f"indexed {report.indexed}, failed {report.failed}, "
                f"set aside {summary['set_aside']} (search_check lists them), "
                f"pending {summary['outbox_lag']}" + (f": {report.error}" if report.error else "")
            )
            if not options["loop"]:
                if report.error:
                    raise CommandError(report.error)
                return
            time.sleep(options["interval"])
