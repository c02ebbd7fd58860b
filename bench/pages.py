"""Pages benchmark: the document list page of a 10,000-document folder beside the API's list.

The claim it checks: a folder of 10,000 documents opens in the browser as fast as the API lists
it. Both sides are one request through Django (the test client, in this process, signed in as
the same reader), for the same folder, page and page size, so both run the same permission
filter, the same counting and fetch the same 50 documents; the page then renders HTML (its
filters, the folder labels, the upload form), the API serialises JSON. After timing, the ids of
each page's document links are checked against the API's ids for the same page.

The data: the folder tree of `_common.make_acl_tree` (2,220 folders, 200 groups, denies in the
middle of the tree), a reader in 50 groups, `--folder-docs` documents (default 10,000) in one
leaf the reader may see and `--other-docs` (default 40,000) spread over the other leaves.

    .venv/bin/python bench/pages.py                     # SQLite (embedded)
    .venv/bin/python bench/pages.py --database-url postgres://postgres@127.0.0.1:5432/kontor_bench

Target: page p95 at most 1.5x the API list's p95.
"""

from __future__ import annotations

import argparse
import random
import re
from datetime import UTC, datetime
from typing import Any

from _common import RatioTable, make_acl_tree, p50_p95, progress, setup_django, time_sides

GROUPS = 200
READER_GROUPS = 50
BATCH = 5000
PAGE = 50
TARGET_RATIO = 1.5
LINK = re.compile(r'href="/documents/([0-9]+)/"')


def generate(folder_docs: int, other_docs: int, seed: int = 11) -> tuple[Any, int]:
    """The tree, a big folder the reader may see and the rest; returns (reader, folder id)."""
    from django.core.management import call_command

    from permissions.selectors import folders_for
    from repository.models import Document

    call_command("flush", "--noinput", verbosity=0)
    rng = random.Random(seed)
    tree = make_acl_tree(rng, groups=GROUPS, reader_groups=READER_GROUPS)
    visible = set(folders_for(tree.reader).values_list("pk", flat=True))
    big = next(leaf for leaf in tree.leaves if leaf in visible)
    others = [leaf for leaf in tree.leaves if leaf != big]
    start = datetime(2020, 1, 1, tzinfo=UTC)
    total = folder_docs + other_docs
    with progress(total, f"documents ({total:,})") as bar:
        for offset in range(0, total, BATCH):
            size = min(BATCH, total - offset)
            rows = [
                Document(
                    title=f"document {offset + n}",
                    folder_id=big if offset + n < folder_docs else rng.choice(others),
                    owner=tree.owner,
                    metadata={},
                    created_at=start,
                    updated_at=start,
                )
                for n in range(size)
            ]
            Document.objects.bulk_create(rows, batch_size=BATCH)
            bar.update(size)
    return tree.reader, big


def sides(reader: Any, folder: int) -> dict[str, Any]:
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")  # a host the default KONTOR_ALLOWED_HOSTS admits
    client.force_login(reader)

    def page(number: int) -> list[int]:
        response = client.get("/documents/", {"folder": folder, "page": number, "page_size": PAGE})
        assert response.status_code == 200, response.status_code
        return [int(pk) for pk in dict.fromkeys(LINK.findall(response.content.decode()))]

    def api(number: int) -> list[int]:
        response = client.get(
            "/api/v1/documents/", {"folder": folder, "page": number, "page_size": PAGE}
        )
        assert response.status_code == 200, response.status_code
        return [row["id"] for row in response.json()["results"]]

    return {"page": page, "api": api}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder-docs", type=int, default=10_000)
    parser.add_argument("--other-docs", type=int, default=40_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default="")
    arguments = parser.parse_args()

    setup_django(database_url=arguments.database_url or None)
    from django.db import connection

    reader, folder = generate(arguments.folder_docs, arguments.other_docs)
    pages = arguments.folder_docs // PAGE
    rng = random.Random(3)
    numbers = [rng.randint(1, min(pages, 20)) for _ in range(arguments.requests)]
    timed = sides(reader, folder)
    for number in (1, 2):  # warm both sides: templates, the first query plans
        for side in timed.values():
            side(number)
    times, answers = time_sides(timed, numbers, desc="list requests")
    assert answers["page"] == answers["api"], "the page and the API list different documents"
    assert all(len(ids) == PAGE for ids in answers["api"]), "a page came back short"

    page_p50, page_p95 = p50_p95(times["page"])
    api_p50, api_p95 = p50_p95(times["api"])
    table = RatioTable(
        f"Document list of a {arguments.folder_docs:,}-document folder "
        f"({arguments.folder_docs + arguments.other_docs:,} documents, {connection.vendor}), "
        f"{PAGE} per page, ms"
    )
    table.row("p50", page_p50, api_p50)
    ratio = page_p95 / api_p95
    table.row("p95", page_p95, api_p95, f"ratio <= {TARGET_RATIO}", ratio <= TARGET_RATIO)
    table.print()
    print("ours = the page GET /documents/?folder=; bare = the API GET /api/v1/documents/?folder=")


if __name__ == "__main__":
    main()
