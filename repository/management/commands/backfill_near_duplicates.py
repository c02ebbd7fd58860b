"""`manage.py backfill_near_duplicates`: sign the text of documents stored before near-duplicate
detection existed (or while their signing failed).

It signs every live document whose current version has its text read and no signature yet, in
order of document id. A text too short to sign gets a signature row without bands, so a run
never looks at a document twice: interrupted, the next run resumes where this one stopped.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Exists, OuterRef
from tqdm import tqdm

from repository import minhash
from repository.models import Document, TextSignature, TextStatus, Version
from repository.text_signatures import store_signature


def unsigned_documents() -> Any:
    """Live documents whose current, read text has no signature (an indexed anti-join)."""
    signed = TextSignature.objects.filter(version_id=OuterRef("current_version_id"))
    return Document.objects.filter(
        is_deleted=False, current_version__text_status=TextStatus.DONE
    ).filter(~Exists(signed))


class Command(BaseCommand):
    help = "Compute near-duplicate signatures for documents whose text has none yet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=200)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        size = max(1, options["batch_size"])
        total = unsigned_documents().count()
        signed = 0
        last_id = 0
        with tqdm(
            total=total,
            unit="doc",
            desc="near-duplicate signatures",
            disable=options["no_progress"],
            file=self.stderr._out,
        ) as progress:
            while True:
                batch = list(
                    unsigned_documents()
                    .filter(pk__gt=last_id)
                    .order_by("pk")
                    .values_list("pk", "current_version_id")[:size]
                )
                if not batch:
                    break
                texts = dict(
                    Version.objects.filter(pk__in=[version for _, version in batch]).values_list(
                        "pk", "text"
                    )
                )
                for document_id, version_id in batch:
                    store_signature(
                        version_id=version_id,
                        document_id=document_id,
                        signature=minhash.signature(texts.get(version_id, "")),
                    )
                    signed += 1
                    progress.update(1)
                last_id = batch[-1][0]
        self.stdout.write(f"signed the text of {signed} documents")
