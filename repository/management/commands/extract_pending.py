from typing import Any

from django.core.management.base import BaseCommand

from repository.models import TextStatus, Version
from repository.scanning import wait_for_background
from repository.tasks import extract_version_text


class Command(BaseCommand):
    help = (
        "Queue text extraction, and OCR of scans, for versions still waiting for it (e.g. after "
        "a broker outage or a restart); OCR already tried counts towards its limit of tries."
    )

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
        # In embedded mode OCR runs in this process's threads: let them finish.
        wait_for_background()
