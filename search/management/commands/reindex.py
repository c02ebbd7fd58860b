"""`manage.py reindex`: rebuild the search index into a new physical index, then swap.

Search keeps answering from the old index meanwhile; changes made during the rebuild are
written to both (the indexer sees the unfinished job). Interrupted, it resumes where the
last batch ended; `--restart` throws the half-built index away instead. A document that cannot
be indexed is set aside, as by the indexer, and the rebuild goes on.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from tqdm import tqdm

from repository.models import Document
from search.backends import get_backend
from search.indexer import set_aside, write_documents
from search.models import ReindexJob
from search.records import build_records


class Command(BaseCommand):
    help = "Rebuild the search index from the database and swap it in without downtime."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--restart", action="store_true", help="discard an unfinished run")
        parser.add_argument("--keep-old", action="store_true", help="keep the previous index")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        backend = get_backend()
        job = self._job(backend, restart=options["restart"])
        documents = Document.objects.filter(is_deleted=False)
        remaining = documents.filter(pk__gt=job.last_document_id).order_by("pk")
        ids = list(remaining.values_list("pk", flat=True))
        job.total = job.indexed + len(ids)
        job.save(update_fields=["total"])
        size = max(1, options["batch_size"])
        with tqdm(
            total=job.total,
            initial=job.indexed,
            unit="doc",
            desc=f"reindex -> {job.target}",
            disable=options["no_progress"],
            file=self.stderr._out,
        ) as progress:
            for start in range(0, len(ids), size):
                batch = ids[start : start + size]
                set_aside(write_documents(backend, batch, index=job.target, build=build_records))
                job.last_document_id = batch[-1]
                job.indexed += len(batch)
                job.save(update_fields=["last_document_id", "indexed"])
                progress.update(len(batch))
        backend.refresh(job.target)
        previous = backend.promote(job.target)
        job.finished_at = timezone.now()
        job.save(update_fields=["finished_at"])
        if previous and previous != job.target and not options["keep_old"]:
            backend.drop_index(previous)
        self.stdout.write(f"reindexed {job.indexed} documents into {job.target} (was {previous})")

    def _job(self, backend: Any, *, restart: bool) -> ReindexJob:
        unfinished = ReindexJob.objects.filter(backend=backend.name, finished_at__isnull=True)
        for job in unfinished:
            if restart or not backend.index_exists(job.target):
                if backend.index_exists(job.target):
                    backend.drop_index(job.target)
                job.delete()
                continue
            self.stdout.write(
                f"resuming the reindex into {job.target} after document {job.last_document_id}"
            )
            return job
        backend.live_index()  # make sure there is a live index to swap from
        return ReindexJob.objects.create(target=backend.create_index(), backend=backend.name)
