"""Near-duplicate benchmark: the LSH band lookup beside a brute-force scan of every signature.

Generates N documents (default 100k) of synthetic text, reproducibly (seeded): 150 to 300
words drawn with Zipf weights from 20,000 made-up words, so common words recur across
unrelated texts as in real ones. 2 % of the documents are planted near-copies of an earlier
document, with 0 to 15 % of their words replaced, inserted or deleted (Jaccard similarity from
1 down to about 0.4). Signatures are computed with `repository.minhash` and bulk-inserted
(documents, versions, signatures, bands) for speed of set-up.

Queries: every planted copy and 200 other documents. Each is looked up through
`repository.near_duplicates.near_duplicates`, the function the service calls (for the owner
of the documents, a plain user: the ACL selector runs as for any reader).

- recall against brute force: a scan compares the query's signature with every stored
  signature and applies the lookup's own decision (an estimate within `BORDERLINE` of the
  threshold decided by the exact Jaccard similarity of the texts); the lookup must find at
  least 95 % of those pairs, and nothing else. Beside it, recall against the exact Jaccard
  similarity of the shingle sets (pairs with J >= 0.8 found by a scan pre-filtered at an
  estimate of 0.55, then computed exactly).
- lookup time: p50/p95 of the lookup beside the brute-force scan (reading every signature from
  the database and comparing), as a ratio. Target: lookup p95 <= 20 ms at 100k documents.

    .venv/bin/python bench/neardup.py                      # SQLite (embedded), 100k
    .venv/bin/python bench/neardup.py --docs 20000 --scans 10
    .venv/bin/python bench/neardup.py --keep          # time again on the data of the last run
    .venv/bin/python bench/neardup.py --database-url postgres://postgres@127.0.0.1:5432/kontor_bench
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import random
import time
from typing import Any

from _common import ROOT, RatioTable, p50_p95, progress, setup_django, time_sides

VOCABULARY = 20_000
COPIES = 0.02
MAX_EDIT = 0.15
OTHER_QUERIES = 200
BATCH = 5000
TARGET_RECALL = 0.95
TARGET_P95_MS = 20.0
JACCARD = 0.8


def make_texts(documents: int, seed: int) -> tuple[list[str], dict[int, int]]:
    """The texts, and for each planted copy the document it copies."""
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = sorted(
        {"".join(rng.choice(letters) for _ in range(rng.randint(3, 10))) for _ in range(VOCABULARY)}
    )
    weights = list(itertools.accumulate(1 / rank for rank in range(1, len(words) + 1)))
    texts: list[str] = []
    copied: dict[int, int] = {}
    with progress(documents, "texts") as bar:
        for number in range(documents):
            if number > 10 and rng.random() < COPIES:
                source = rng.randrange(number)
                copied[number] = source
                texts.append(edit(texts[source], rng, words, weights))
            else:
                count = rng.randint(150, 300)
                texts.append(" ".join(rng.choices(words, cum_weights=weights, k=count)))
            bar.update(1)
    return texts, copied


def edit(text: str, rng: random.Random, words: list[str], weights: list[float]) -> str:
    tokens = text.split()
    for _ in range(int(len(tokens) * rng.uniform(0, MAX_EDIT))):
        where = rng.randrange(len(tokens))
        action = rng.random()
        if action < 0.5:
            tokens[where] = rng.choices(words, cum_weights=weights)[0]
        elif action < 0.75:
            tokens.insert(where, rng.choices(words, cum_weights=weights)[0])
        elif len(tokens) > 20:
            del tokens[where]
    return " ".join(tokens)


def store(texts: list[str]) -> tuple[Any, list[int], Any]:
    """Documents, versions and their signatures in the database; (owner, version ids, matrix)."""
    import numpy as np
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection, transaction

    from repository import minhash

    call_command("flush", "--noinput", verbosity=0)
    owner = User.objects.create_user("bench-owner")
    signatures = np.zeros((len(texts), minhash.PERMUTATIONS), dtype=np.uint32)
    versions: list[int] = []
    with progress(len(texts), "signatures + rows") as bar:
        for offset in range(0, len(texts), BATCH):
            chunk = texts[offset : offset + BATCH]
            with transaction.atomic():
                versions += store_batch(owner, offset, chunk, signatures)
            bar.update(len(chunk))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE repository_document SET current_version_id = (SELECT v.id FROM "
            "repository_version v WHERE v.document_id = repository_document.id)"
        )
        cursor.execute("ANALYZE")
    return owner, versions, signatures


def store_batch(owner: Any, offset: int, chunk: list[str], signatures: Any) -> list[int]:
    """One batch of documents with their version, signature and bands; the version ids."""
    from django.db import connection
    from django.utils import timezone

    from repository import minhash
    from repository.models import Document, Version

    now = timezone.now()
    documents = Document.objects.bulk_create(
        [Document(title=f"text {offset + n}", owner=owner) for n in range(len(chunk))]
    )
    created = Version.objects.bulk_create(
        [
            Version(
                document=document,
                number=1,
                filename="text.txt",
                size=len(text),
                mime_type="text/plain",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                created_by=owner,
                text=text,
                text_status="done",
            )
            for document, text in zip(documents, chunk, strict=True)
        ]
    )
    rows, bands = [], []
    for number, (version, text) in enumerate(zip(created, chunk, strict=True)):
        signature = minhash.signature(text)
        assert signature is not None
        signatures[offset + number] = signature
        rows.append((version.pk, version.document_id, minhash.to_bytes(signature), now))
        bands += [
            (version.pk, version.document_id, band, value)
            for band, value in enumerate(minhash.band_hashes(signature))
        ]
    # Plain INSERTs: building 3.2 million model instances would take longer than the rest.
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO repository_textsignature (version_id, document_id, minhashes, created_at)"
            " VALUES (%s, %s, %s, %s)",
            rows,
        )
        cursor.executemany(
            "INSERT INTO repository_signatureband (signature_id, document_id, band_no, band_hash)"
            " VALUES (%s, %s, %s, %s)",
            bands,
        )
    return [version.pk for version in created]


def stored_before(documents: int) -> tuple[Any, list[int], Any] | None:
    """What `store` returned for an earlier run with as many documents (same seed), or None."""
    import numpy as np
    from django.contrib.auth.models import User

    from repository import minhash
    from repository.models import TextSignature

    owner = User.objects.filter(username="bench-owner").first()
    rows = list(TextSignature.objects.order_by("document_id").values_list("pk", "minhashes"))
    if owner is None or len(rows) != documents:
        return None
    signatures = np.zeros((documents, minhash.PERMUTATIONS), dtype=np.uint32)
    for number, (_, raw) in enumerate(rows):
        assert raw is not None
        signatures[number] = minhash.from_bytes(raw)
    return owner, [version for version, _ in rows], signatures


def brute_force_scan(signature: Any, threshold: float) -> set[int]:
    """Every stored signature read from the database and compared: the lookup without bands."""
    import numpy as np

    from repository import minhash
    from repository.models import Document, TextSignature

    current = Document.objects.filter(is_deleted=False).values("current_version_id")
    rows = TextSignature.objects.filter(version_id__in=current, minhashes__isnull=False)
    ids, raw = [], []
    for document_id, minhashes in rows.values_list("document_id", "minhashes").iterator(5000):
        if minhashes is not None:
            ids.append(document_id)
            raw.append(bytes(minhashes))
    matrix = np.frombuffer(b"".join(raw), dtype="<u4").reshape(len(ids), minhash.PERMUTATIONS)
    shares = (matrix == signature).sum(axis=1) / minhash.PERMUTATIONS
    return {ids[i] for i in np.flatnonzero(shares >= threshold)}


def main() -> None:
    import numpy as np

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--scans", type=int, default=30, help="timed brute-force scans")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; default SQLite")
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / "var" / "bench" / "neardup-data"),
        help="Kontor's data directory (the SQLite database)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data of an earlier run of the same size"
    )
    args = parser.parse_args()
    setup_django(data_dir=args.data_dir, database_url=args.database_url)
    from django.conf import settings
    from django.db import connection

    from repository import minhash
    from repository.models import Version
    from repository.near_duplicates import BORDERLINE, near_duplicates

    threshold = float(settings.KONTOR_NEAR_DUPLICATE_THRESHOLD)
    began = time.perf_counter()
    texts, copied = make_texts(args.docs, args.seed)
    stored = stored_before(args.docs) if args.keep else None
    owner, versions, signatures = stored or store(texts)
    document_of = dict(Version.objects.filter(pk__in=versions).values_list("pk", "document_id"))
    documents = [document_of[version] for version in versions]
    ready = time.perf_counter() - began

    rng = random.Random(args.seed + 1)
    queries = sorted(set(copied) | set(rng.sample(range(args.docs), OTHER_QUERIES)))

    def lookup(number: int) -> set[int]:
        found = near_duplicates(owner, versions[number])
        return {item["document"] for item in found}

    for number in queries[:20]:  # warm the caches
        lookup(number)
    times, answers = time_sides({"lookup": lookup}, queries, "lookups")
    found_by = dict(zip(queries, answers["lookup"], strict=True))

    # Recall, against the same decision over every document and against exact Jaccard.
    by_estimate: dict[int, set[int]] = {}
    decided = exact = decided_hit = exact_hit = 0
    with progress(len(queries), "brute force (in memory)", unit="query") as bar:
        for query in queries:
            shares = (signatures == signatures[query]).sum(axis=1) / minhash.PERMUTATIONS
            shares[query] = 0
            by_estimate[query] = {documents[i] for i in np.flatnonzero(shares >= threshold)}
            similar = {
                i: minhash.jaccard(texts[query], texts[i]) for i in np.flatnonzero(shares >= 0.55)
            }
            by_jaccard = {documents[i] for i, value in similar.items() if value >= JACCARD}
            by_rule = {
                documents[i]
                for i in np.flatnonzero(shares > threshold - BORDERLINE)
                if shares[i] >= threshold + BORDERLINE or similar[i] >= threshold
            }
            found = found_by[query]
            assert found <= by_rule, "the lookup reported a pair the scan does not confirm"
            decided += len(by_rule)
            decided_hit += len(by_rule & found)
            exact += len(by_jaccard)
            exact_hit += len(by_jaccard & found)
            bar.update(1)

    # The brute-force lookup's time, through the database, on a sample of the queries.
    sample = rng.sample(queries, min(args.scans, len(queries)))
    scan_times, scan_answers = time_sides(
        {"scan": lambda number: brute_force_scan(signatures[number], threshold)},
        sample,
        "brute-force scans",
    )
    for number, answer in zip(sample, scan_answers["scan"], strict=True):
        assert answer - {documents[number]} == by_estimate[number], "the two scans disagree"

    lookup50, lookup95 = p50_p95(times["lookup"])
    scan50, scan95 = p50_p95(scan_times["scan"])
    recall_scan = decided_hit / decided if decided else 1.0
    recall_exact = exact_hit / exact if exact else 1.0
    vendor = connection.vendor
    print(
        f"\n{vendor}: {args.docs:,} documents, {len(copied):,} planted copies (ready in "
        f"{ready:.0f} s); {len(queries):,} queries; threshold {threshold}; "
        f"{minhash.PERMUTATIONS} permutations in {minhash.BANDS} bands of {minhash.ROWS}",
        flush=True,
    )
    print(
        f"pairs: {decided:,} by the brute-force scan (the same decision for every document), "
        f"{exact:,} with exact Jaccard >= {JACCARD}; the lookup found "
        f"{decided_hit:,} and {exact_hit:,} of them"
    )
    table = RatioTable(
        f"Near-duplicate lookup on {vendor}, {args.docs:,} documents: ms, ours (LSH bands) "
        "against brute force (every signature read and compared)"
    )
    table.row("lookup p95", lookup95, scan95, f"<= {TARGET_P95_MS:.0f} ms", lookup95 <= 20)
    table.row("lookup p50", lookup50, scan50)
    table.print()
    print(
        f"recall against the brute-force scan: {recall_scan:.4f} "
        f"(target >= {TARGET_RECALL}: {'met' if recall_scan >= TARGET_RECALL else 'NOT met'})"
    )
    print(f"recall against exact Jaccard >= {JACCARD}: {recall_exact:.4f}")


if __name__ == "__main__":
    main()
