from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from repository.blobs import BLOB_PREFIX, blob_storage
from repository.models import Version


class Command(BaseCommand):
    help = "Delete blobs that no version references and that are older than the grace period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=settings.KONTOR_BLOB_GC_GRACE_HOURS,
            help="only blobs older than this are removed (uploads in flight stay)",
        )
        parser.add_argument("--dry-run", action="store_true", help="list, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        storage = blob_storage()
        cutoff = timezone.now() - timedelta(hours=options["grace_hours"])
        referenced = set(Version.objects.values_list("sha256", flat=True).distinct())
        seen = removed = freed = 0
        for name, modified in storage.iter_blobs(BLOB_PREFIX):  # type: ignore[attr-defined]
            seen += 1
            sha256 = name.rsplit("/", 1)[-1]
            if sha256 in referenced or modified > cutoff:
                continue
            size = storage.size(name)
            if not options["dry_run"]:
                storage.delete(name)
            removed += 1
            freed += size
            self.stdout.write(f"{'would remove' if options['dry_run'] else 'removed'} {name}")
            if seen % 1000 == 0:
                self.stdout.write(f"... {seen} blobs checked")
        self.stdout.write(
            f"{seen} blobs checked, {removed} unreferenced removed ({freed} bytes)"
            + (" [dry run]" if options["dry_run"] else "")
        )
