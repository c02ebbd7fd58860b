"""ACL list benchmark: the document list with the ACL filter beside the same list without it.

Generates N documents (default 100k and 1M) over the folder tree of `_common.make_acl_tree`
(2,220 folders; 200 groups, 3 allowed on every top folder, a deny on 10 % of the middle
folders, 5 % of the leaves walled off with grants of their own) and gives 0.1 % of the
documents entries of their own. Then it times the list request's queries for a reader in 50
groups: the total plus a page of 50 ordered by `-created_at` (random pages among the first 20).

Both sides count the same way, so the ratio compares the same work:

- counters: the total adds up per-folder document counts kept by database triggers. Ours is
  `count_documents_for(reader)` as `GET /documents/` runs it (the folders the reader may see,
  less what does not inherit, plus direct grants); bare sums the counters of every folder.
- rows: both count the rows one by one (`documents_for(reader).count()` / `Document.count()`).

The page is `documents_for(reader)` against the bare `Document` queryset on both. Each method's
answers (total and page) are checked against the other's on the same side after timing.

    .venv/bin/python bench/acl.py                       # SQLite (embedded), 100k and 1M
    .venv/bin/python bench/acl.py --docs 100000 --queries 100
    .venv/bin/python bench/acl.py --database-url postgres://postgres@127.0.0.1:5432/kontor_bench

Targets (counters): list p95 <= 50 ms at 1M documents; ACL/bare ratio <= 2.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from _common import (
    ROOT,
    RatioTable,
    make_acl_tree,
    p50_p95,
    progress,
    setup_django,
    time_sides,
)

GROUPS = 200
READER_GROUPS = 50
BATCH = 5000
PAGE = 50
PAGES = 20
TARGET_P95_MS = 50.0
TARGET_RATIO = 2.0


def _reset() -> None:
    """Empty every table of the benchmark's database (other benchmarks' data included)."""
    from django.core.management import call_command

    call_command("flush", "--noinput", verbosity=0)


def _existing(documents: int) -> Any:
    """The reader of an earlier run with exactly `documents` documents, else None."""
    from django.contrib.auth.models import User

    from repository.models import Document

    if Document.objects.count() != documents:
        return None
    return User.objects.filter(username="bench-reader").first()


def generate(documents: int, seed: int = 7) -> Any:
    """The tree, its grants and `documents` documents in its leaves; returns the reader."""
    from django.db import connection

    from permissions.models import AccessControlEntry
    from repository.models import Document

    rng = random.Random(seed)
    tree = make_acl_tree(rng, groups=GROUPS, reader_groups=READER_GROUPS)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    with progress(documents, f"documents ({documents:,})") as bar:
        for offset in range(0, documents, BATCH):
            size = min(BATCH, documents - offset)
            rows = [
                Document(
                    title=f"document {offset + n}",
                    folder_id=rng.choice(tree.leaves),
                    owner=tree.owner,
                    metadata={},
                    created_at=start,
                    updated_at=start,
                )
                for n in range(size)
            ]
            created = Document.objects.bulk_create(rows, batch_size=BATCH)
            AccessControlEntry.objects.bulk_create(
                AccessControlEntry(
                    document=document,
                    principal=f"group:{rng.choice(tree.groups).name}",
                    permission="view",
                    effect=rng.choice(["allow", "deny"]),
                )
                for document in created
                if rng.random() < 0.001
            )
            bar.update(size)
    # auto_now_add overrides created_at on bulk_create: spread it out afterwards in SQL.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE repository_document"
                " SET created_at = %s::timestamptz + id * interval '1 second'",
                [start],
            )
        else:
            cursor.execute(
                "UPDATE repository_document SET created_at = datetime(%s, '+' || id || ' seconds')",
                [start.strftime("%Y-%m-%d %H:%M:%S")],
            )
        cursor.execute("ANALYZE")
    return tree.reader


def list_queries(reader: Any) -> dict[str, Callable[[int], tuple[int, list[int]]]]:
    """The four ways to answer one list page: (total, ids of the page) for a page number."""
    from django.db.models import Sum

    from permissions.counts import count_documents_for
    from permissions.selectors import documents_for
    from repository.models import Document, FolderCount

    def page_of(documents: Any, page: int) -> list[int]:
        ordered = documents.order_by("-created_at", "-id")
        return list(ordered[page * PAGE : (page + 1) * PAGE].values_list("pk", flat=True))

    def live() -> Any:
        return Document.objects.filter(is_deleted=False)

    def bare_counters() -> int:  # what count_documents_for adds up for someone who sees all
        folders = FolderCount.objects.aggregate(total=Sum("live_documents"))["total"] or 0
        return int(folders) + live().filter(folder__isnull=True).count()

    return {
        "ours, counters": lambda page: (
            count_documents_for(reader),
            page_of(documents_for(reader), page),
        ),
        "bare, counters": lambda page: (bare_counters(), page_of(live(), page)),
        "ours, rows": lambda page: (
            documents_for(reader).count(),
            page_of(documents_for(reader), page),
        ),
        "bare, rows": lambda page: (live().count(), page_of(live(), page)),
    }


def measure(reader: Any, queries: int, row_queries: int) -> dict[str, Any]:
    runs = list_queries(reader)
    for run in runs.values():  # warm the caches and the compiled queries
        for page in range(3):
            run(page)
    rng = random.Random(1)
    figures: dict[str, Any] = {}
    for method, count in (("counters", queries), ("rows", row_queries)):
        sides = {side: runs[f"{side}, {method}"] for side in ("ours", "bare")}
        pages = [rng.randrange(PAGES) for _ in range(count)]
        times, _ = time_sides(sides, pages, f"list, {method}")
        for side, values in times.items():
            figures[f"{side} {method}"] = p50_p95(values)
    # The same answers from both counting methods, on each side.
    for side in ("ours", "bare"):
        for page in range(PAGES):
            counted, rows = runs[f"{side}, counters"](page), runs[f"{side}, rows"](page)
            assert counted == rows, f"{side}: counters {counted[0]} != rows {rows[0]}, page {page}"
    figures["visible"] = runs["ours, rows"](0)[0]
    figures["total"] = runs["bare, rows"](0)[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--queries", type=int, default=200, help="timed lists per side")
    parser.add_argument(
        "--row-queries", type=int, default=100, help="timed lists per side counting rows"
    )
    parser.add_argument("--database-url", default=None, help="PostgreSQL; default SQLite")
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / "var" / "bench" / "acl-data"),
        help="Kontor's data directory (the SQLite database); kept for --keep",
    )
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data when it already has this many documents"
    )
    args = parser.parse_args()
    setup_django(data_dir=args.data_dir, database_url=args.database_url)
    from django.db import connection

    vendor = connection.vendor
    table = RatioTable(
        f"ACL list benchmark on {vendor}: total + page of {PAGE} for a reader in "
        f"{READER_GROUPS} of {GROUPS} groups; p50/p95 in ms, ours (ACL) against bare (no ACL)"
    )
    for size in [int(value) for value in args.docs.split(",")]:
        began = time.perf_counter()
        reader = _existing(size) if args.keep else None
        if reader is None:
            _reset()
            reader = generate(size)
        generated = time.perf_counter() - began
        figures = measure(reader, args.queries, args.row_queries)
        share = figures["visible"] / figures["total"]
        print(
            f"{vendor} {size:,} documents (ready in {generated:.0f} s); the reader sees "
            f"{figures['visible']:,} ({share:.0%})",
            flush=True,
        )
        for method in ("counters", "rows"):
            ours50, ours95 = figures[f"ours {method}"]
            bare50, bare95 = figures[f"bare {method}"]
            target, met = "", None
            if method == "counters":
                target = f"ratio <= {TARGET_RATIO:.0f}"
                met = ours95 / bare95 <= TARGET_RATIO
                if size >= 1_000_000:
                    target = f"<= {TARGET_P95_MS:.0f} ms, {target}"
                    met = met and ours95 <= TARGET_P95_MS
            table.row(f"{size:,} docs, {method}: p95", ours95, bare95, target, met)
            table.row(f"{size:,} docs, {method}: p50", ours50, bare50)
    table.print()


if __name__ == "__main__":
    main()
