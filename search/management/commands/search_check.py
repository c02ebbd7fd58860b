"""`manage.py search_check`: documents missing from the index, stale in it, indexed although
trashed, or set aside by the indexer (with the reason). Exit status 1 when any is found;
`--fix` queues them for the indexer."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from repository.models import Document, IndexOutbox
from repository.outbox import documents_changed
from search.backends import get_backend
from search.indexer import build_each, set_aside_rows


class Command(BaseCommand):
    help = "List documents missing or stale in the search index, or set aside by the indexer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="queue the findings for indexing")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        entries = {entry.document_id: entry for entry in get_backend().entries()}
        set_aside = {row.document_id: row for row in set_aside_rows()}
        pending = set(
            IndexOutbox.objects.filter(set_aside_at__isnull=True).values_list(
                "document_id", flat=True
            )
        )
        live_ids = list(
            Document.objects.filter(is_deleted=False).order_by("pk").values_list("pk", flat=True)
        )
        findings: list[tuple[str, int]] = []
        size = max(1, options["batch_size"])
        for start in range(0, len(live_ids), size):
            records, unbuildable = build_each(live_ids[start : start + size])
            findings += [
                ("unreadable", document_id)
                for document_id in unbuildable
                if document_id not in set_aside
            ]
            for record in records:
                entry = entries.get(record.id)
                if record.id in set_aside:
                    continue
                if entry is None or not entry.is_live:
                    findings.append(("missing", record.id))
                elif entry.fingerprint != record.fingerprint:
                    findings.append(("stale", record.id))
        live = set(live_ids)
        findings += [
            ("trashed-but-indexed", document_id)
            for document_id, entry in sorted(entries.items())
            if entry.is_live and document_id not in live and document_id not in set_aside
        ]
        for kind, document_id in findings:
            note = " (queued in the outbox)" if document_id in pending else ""
            self.stdout.write(f"{kind}\tdocument {document_id}{note}")
        for document_id, row in set_aside.items():
            since = row.set_aside_at.isoformat() if row.set_aside_at else ""
            self.stdout.write(f"set-aside\tdocument {document_id} since {since}: {row.last_error}")
        findings += [("set-aside", document_id) for document_id in set_aside]
        self.stdout.write(
            f"checked {len(live_ids)} documents, {len(entries)} index entries: "
            f"{len(findings)} problems ({len(set_aside)} set aside by the indexer), "
            f"{len(pending)} documents pending in the outbox"
        )
        if findings and options["fix"]:
            with transaction.atomic():
                documents_changed(document_id for _kind, document_id in findings)
            self.stdout.write(f"queued {len(findings)} documents for indexing")
        elif findings:
            raise CommandError(f"{len(findings)} documents are missing or stale in the index")
