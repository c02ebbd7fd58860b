from typing import Any

from django.core.management.base import BaseCommand

from repository.models import TextStatus, Version
from repository.tasks import extract_version_text


class Command(BaseCommand):
    help = "Queue text extraction for versions still waiting for it (e.g. after a broker outage)."

    def handle(self, *args: Any, **options: Any) -> None:
        pending = list(
            Version.objects.filter(text_status=TextStatus.PENDING).values_list("pk", flat=True)
        )
        for done, version_id in enumerate(pending, start=1):
            extract_version_text.delay(version_id)
            if done % 100 == 0 or done == len(pending):
                self.stdout.write(f"queued {done}/{len(pending)}")
        if not pending:
            self.stdout.write("No versions are waiting for text extraction.")
