"""`manage.py search_check`: documents missing from the index, stale in it, or indexed
although trashed. Exit status 1 when any is found; `--fix` queues them for the indexer."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from repository.models import Document
from search import documents_changed
from search.backends import get_backend
from search.models import IndexOutbox
from search.records import build_records


class Command(BaseCommand):
    help = "List documents missing or stale in the search index."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="queue the findings for indexing")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        entries = {entry.document_id: entry for entry in get_backend().entries()}
        pending = set(IndexOutbox.objects.values_list("document_id", flat=True))
        live_ids = list(
            Document.objects.filter(is_deleted=False).order_by("pk").values_list("pk", flat=True)
        )
        findings: list[tuple[str, int]] = []
        size = max(1, options["batch_size"])
        for start in range(0, len(live_ids), size):
            for record in build_records(live_ids[start : start + size]):
                entry = entries.get(record.id)
                if entry is None or not entry.is_live:
                    findings.append(("missing", record.id))
                elif entry.fingerprint != record.fingerprint:
                    findings.append(("stale", record.id))
        live = set(live_ids)
        findings += [
            ("trashed-but-indexed", document_id)
            for document_id, entry in sorted(entries.items())
            if entry.is_live and document_id not in live
        ]
        for kind, document_id in findings:
            note = " (queued in the outbox)" if document_id in pending else ""
            self.stdout.write(f"{kind}\tdocument {document_id}{note}")
        self.stdout.write(
            f"checked {len(live_ids)} documents, {len(entries)} index entries: "
            f"{len(findings)} problems, {len(pending)} documents pending in the outbox"
        )
        if findings and options["fix"]:
            with transaction.atomic():
                documents_changed(document_id for _kind, document_id in findings)
            self.stdout.write(f"queued {len(findings)} documents for indexing")
        elif findings:
            raise CommandError(f"{len(findings)} documents are missing or stale in the index")
