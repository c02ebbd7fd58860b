import itertools
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from repository.blobs import BLOB_PREFIX, blob_storage
from repository.models import Rendition, Version
from repository.staging import STAGING_PREFIX


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
        # Derived files (searchable PDFs, page pictures) are blobs of their own.
        referenced |= set(
            Rendition.objects.exclude(sha256="").values_list("sha256", flat=True).distinct()
        )
        seen = removed = freed = 0
        blobs = storage.iter_blobs(BLOB_PREFIX)  # type: ignore[attr-defined]
        # Staged copies of large uploads are never referenced: old ones were left by a crash.
        staged = storage.iter_blobs(STAGING_PREFIX)  # type: ignore[attr-defined]
        for name, modified in itertools.chain(blobs, staged):
            seen += 1
            sha256 = name.rsplit("/", 1)[-1]
            if modified > cutoff or (name.startswith(BLOB_PREFIX) and sha256 in referenced):
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
