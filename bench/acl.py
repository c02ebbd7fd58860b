"""ACL list benchmark: the document list with the ACL filter beside the same query without it.

Generates N documents (default 100k and 1M) over a folder tree (20 top folders x 10 x 10 =
2,220 folders) with group grants: every top folder allows `view` to 3 of 200 groups, 10% of the
middle folders deny one group, 5% of the leaf folders break inheritance and grant 2 groups, and
0.1% of the documents carry entries of their own. Rows are bulk-created in batches (tqdm bars),
the closure table is built once. Then, for a reader in 50 groups, it times the list request's
queries: the total plus a page of 50 ordered by `-created_at` (random pages among the first 20),
as the list endpoint runs them (`count_documents_for`: folder totals; the page through
`documents_for(reader)`) and through the bare `Document` queryset (`count()` and the page), and
prints p50/p95 of both and the ratio. For reference it also times the ACL list counting the
visible rows one by one.

    .venv/bin/python bench/acl.py                       # SQLite (embedded), 100k and 1M
    .venv/bin/python bench/acl.py --docs 100000 --queries 100
    .venv/bin/python bench/acl.py --database-url postgres://postgres@127.0.0.1:55499/kontor_bench

Targets: list p95 <= 50 ms at 1M documents; ACL/bare ratio <= 2.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GROUPS = 200
READER_GROUPS = 50
BATCH = 5000


def _setup(database_url: str | None) -> None:
    os.environ.setdefault("KONTOR_DATA_DIR", tempfile.mkdtemp(prefix="kontor-acl-bench-"))
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)


def _reset() -> None:
    from django.db import connection

    from permissions.models import AccessControlEntry, AccessControlList, FolderAncestor
    from repository.models import Document, Folder

    with connection.cursor():
        for model in (AccessControlEntry, AccessControlList, FolderAncestor, Document):
            model.objects.all().delete()
        while Folder.objects.exists():
            Folder.objects.filter(children__isnull=True).delete()


def _existing(documents: int) -> Any:
    """The reader of an earlier run with exactly `documents` documents, else None."""
    from django.contrib.auth.models import User

    from repository.models import Document

    if Document.objects.count() != documents:
        return None
    return User.objects.filter(username="bench-reader").first()


def generate(documents: int, seed: int = 7) -> Any:
    """Create the users, groups, folder tree, ACLs and `documents` documents; return the reader."""
    from django.contrib.auth.models import Group, User
    from tqdm import tqdm

    from permissions import tree
    from permissions.models import AccessControlEntry, AccessControlList
    from repository.models import Document, Folder

    rng = random.Random(seed)
    owner, _ = User.objects.get_or_create(username="bench-owner")
    reader, _ = User.objects.get_or_create(username="bench-reader")
    groups = [Group.objects.get_or_create(name=f"g{n:03d}")[0] for n in range(GROUPS)]
    reader.groups.set(rng.sample(groups, READER_GROUPS))

    def make_folders(names: list[tuple[str, int | None]]) -> list[Folder]:
        rows = [Folder(name=name, parent_id=parent, owner=owner) for name, parent in names]
        return Folder.objects.bulk_create(rows, batch_size=BATCH)

    top = make_folders([(f"top{n}", None) for n in range(20)])
    middle = make_folders([(f"mid{n}", parent.pk) for parent in top for n in range(10)])
    leaves = make_folders([(f"leaf{n}", parent.pk) for parent in middle for n in range(10)])

    # Folders created by bulk_create skip the service: build the closure once.
    def view_entry(folder: Folder, group: Group, effect: str = "allow") -> AccessControlEntry:
        return AccessControlEntry(
            folder=folder, principal=f"group:{group.name}", permission="view", effect=effect
        )

    entries = [view_entry(folder, group) for folder in top for group in rng.sample(groups, 3)]
    entries += [
        view_entry(folder, rng.choice(groups), "deny")
        for folder in rng.sample(middle, len(middle) // 10)
    ]
    walled = rng.sample(leaves, len(leaves) // 20)
    AccessControlList.objects.bulk_create(
        [AccessControlList(folder=f, inherit=False) for f in walled]
    )
    entries += [view_entry(folder, group) for folder in walled for group in rng.sample(groups, 2)]
    AccessControlEntry.objects.bulk_create(entries, batch_size=BATCH)
    tree.rebuild()

    start = datetime(2020, 1, 1, tzinfo=UTC)
    leaf_ids = [folder.pk for folder in leaves]
    with tqdm(total=documents, desc=f"documents ({documents:,})", unit="doc") as bar:
        for offset in range(0, documents, BATCH):
            size = min(BATCH, documents - offset)
            rows = [
                Document(
                    title=f"document {offset + n}",
                    folder_id=rng.choice(leaf_ids),
                    owner=owner,
                    metadata={},
                    created_at=start + timedelta(seconds=offset + n),
                    updated_at=start,
                )
                for n in range(size)
            ]
            created = Document.objects.bulk_create(rows, batch_size=BATCH)
            own = [d for d in created if rng.random() < 0.001]
            AccessControlEntry.objects.bulk_create(
                AccessControlEntry(
                    document=d,
                    principal=f"group:{rng.choice(groups).name}",
                    permission="view",
                    effect=rng.choice(["allow", "deny"]),
                )
                for d in own
            )
            bar.update(size)
    # auto_now_add overrides created_at on bulk_create: spread it out afterwards in SQL.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE repository_document"
                " SET created_at = %s::timestamptz + id * interval '1 second'",
                [start],
            )
            cursor.execute("ANALYZE")
        else:
            cursor.execute(
                "UPDATE repository_document SET created_at = datetime(%s, '+' || id || ' seconds')",
                [start.strftime("%Y-%m-%d %H:%M:%S")],
            )
            cursor.execute("ANALYZE")
    return reader


def _time(run: Any, queries: int, rng: random.Random) -> list[float]:
    timings = []
    for _ in range(queries):
        page = rng.randrange(20)
        began = time.perf_counter()
        run(page)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def measure(reader: Any, queries: int) -> dict[str, Any]:
    from permissions.counts import count_documents_for
    from permissions.selectors import documents_for
    from repository.models import Document

    def with_acl(page: int) -> None:  # as `GET /documents/` answers: folder counts + one page
        documents = documents_for(reader).order_by("-created_at", "-id")
        count_documents_for(reader)
        list(documents[page * 50 : page * 50 + 50].values_list("pk", "title"))

    def scanned(page: int) -> None:  # the same with the visible rows counted one by one
        documents = documents_for(reader).order_by("-created_at", "-id")
        documents.count()
        list(documents[page * 50 : page * 50 + 50].values_list("pk", "title"))

    def bare(page: int) -> None:
        documents = Document.objects.filter(is_deleted=False).order_by("-created_at", "-id")
        documents.count()
        list(documents[page * 50 : page * 50 + 50].values_list("pk", "title"))

    for run in (with_acl, scanned, bare):  # warm caches
        for page in range(3):
            run(page)
    acl_ms = _time(with_acl, queries, random.Random(1))
    scanned_ms = _time(scanned, max(queries // 4, 20), random.Random(1))
    bare_ms = _time(bare, queries, random.Random(1))
    visible = documents_for(reader).count()
    assert count_documents_for(reader) == visible, "folder counts disagree with the rows"

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18]

    return {
        "visible": visible,
        "acl_p50": statistics.median(acl_ms),
        "acl_p95": p95(acl_ms),
        "scanned_p95": p95(scanned_ms),
        "bare_p50": statistics.median(bare_ms),
        "bare_p95": p95(bare_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", default="100000,1000000", help="comma-separated sizes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="PostgreSQL; default SQLite")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data when it already has this many documents"
    )
    args = parser.parse_args()
    _setup(args.database_url)
    from django.db import connection

    rows = []
    for size in [int(value) for value in args.docs.split(",")]:
        began = time.perf_counter()
        reader = _existing(size) if args.keep else None
        if reader is None:
            _reset()
            reader = generate(size)
        generated = time.perf_counter() - began
        figures = measure(reader, args.queries)
        ratio = figures["acl_p95"] / figures["bare_p95"]
        rows.append((size, figures, ratio, generated))
        print(
            f"{connection.vendor} {size:>9,} docs (generated in {generated:.0f} s, reader sees "
            f"{figures['visible']:,}): list p50/p95 with ACL {figures['acl_p50']:.1f}/"
            f"{figures['acl_p95']:.1f} ms, without {figures['bare_p50']:.1f}/"
            f"{figures['bare_p95']:.1f} ms, ratio {ratio:.2f} (counting the visible rows"
            f" instead of folder totals: p95 {figures['scanned_p95']:.1f} ms)",
            flush=True,
        )
    print()
    print(
        f"{'documents':>10}  {'ACL p95 ms':>10}  {'bare p95 ms':>11}  {'ratio':>5}"
        "  targets: p95<=50 ms at 1M, ratio<=2"
    )
    for size, figures, ratio, _ in rows:
        met = ratio <= 2 and (size < 1_000_000 or figures["acl_p95"] <= 50)
        print(
            f"{size:>10,}  {figures['acl_p95']:>10.1f}  {figures['bare_p95']:>11.1f}"
            f"  {ratio:>5.2f}  {'met' if met else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
