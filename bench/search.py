"""Search benchmark on the embedded (tantivy) backend.

Generates N documents of multilingual text (Faker: en, ru, de, fr, es) straight into the
database, in the leaves of the folder tree of `_common.make_acl_tree`: 60 groups, 3 allowed on
every top folder, a deny for one group on 20 % of the middle folders, 5 % of the leaves walled
off with grants of their own, and 30 more users in 10 groups each, so that denies cut into
allowed groups. Rebuilds the index with `manage.py reindex` (the indexer's own code path), then
times queries of a reader in 20 groups who owns 2 % of the documents:

- ours: the API (its WSGI application as the server calls it, without the socket: token auth,
  query parsing, the ACL-trimmed engine query, the ACL re-check of the page, audit and all);
- bare: tantivy alone with a query built beforehand from what the index stores (see
  `bare_query`), doing what the API's answer holds with the engine's own means: search with
  count, the facet aggregation, the page's stored documents, and highlights from tantivy's
  `SnippetGenerator` for title and text (Kontor highlights in Python instead, because tantivy's
  snippets miss stemmed, prefix and fuzzy matches). The figure without highlights is printed too.

After timing, every query's answers are compared: the same count, the same ids in the same
order, the same facet counts on both sides.

    .venv/bin/python bench/search.py --docs 100000
    .venv/bin/python bench/search.py --docs 10000 --queries 300

Targets: reindex 100k within 5 minutes; API p95 <= 50 ms at 100k; API/bare ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from typing import Any

from _common import (
    LOCALES,
    RatioTable,
    make_acl_tree,
    p50_p95,
    progress,
    setup_django,
    text_pool,
    time_sides,
)

GROUPS = 60
READER_GROUPS = 20
DENY_SHARE = 0.2
MEMBERS = 30
MEMBER_GROUPS = 10
READER_OWNS = 0.02
PAGE_SIZE = 20
TARGET_REINDEX_S = 300.0
TARGET_P95_MS = 50.0
TARGET_RATIO = 1.5
QUERIES = [
    "{w1}",
    "{w2}",
    "{w1} {w2}",
    '"{p}"',
    "{pre}*",
    "{w1} OR {w3}",
    "{w1} NOT {w2}",
    "{w3}",
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400, help="timed queries per side")
    parser.add_argument("--data-dir", default="", help="default: a new temporary folder")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def generate(count: int, seed: int) -> None:
    from django.db import transaction

    from repository.models import Document, DocumentType, Tag, Version

    rng = random.Random(seed)
    pool = text_pool(seed)
    tree = make_acl_tree(
        rng,
        groups=GROUPS,
        reader_groups=READER_GROUPS,
        deny_share=DENY_SHARE,
        members=MEMBERS,
        member_groups=MEMBER_GROUPS,
    )
    types = [
        DocumentType.objects.create(slug=s, name=s)
        for s in ("contract", "invoice", "memo", "letter")
    ]
    tags = [
        Tag.objects.create(name=name)
        for name in ("finance", "legal", "hr", "sales", "urgent", "archive")
    ]
    statuses = ["draft", "in_review", "approved", "rejected", "archived"]
    batch = 5000
    with progress(count, "generating") as bar:
        for start in range(0, count, batch):
            size = min(batch, count - start)
            with transaction.atomic():
                documents = Document.objects.bulk_create(
                    [
                        Document(
                            title=rng.choice(pool[rng.choice(LOCALES)]).split(".")[0][:200],
                            document_type=rng.choice(types),
                            status=rng.choice(statuses),
                            folder_id=rng.choice(tree.leaves),
                            owner=tree.reader if rng.random() < READER_OWNS else tree.owner,
                            metadata={"number": f"K-{start + i}", "amount": rng.randint(1, 10**6)},
                        )
                        for i in range(size)
                    ]
                )
                versions = []
                for document in documents:
                    locale = rng.choice(LOCALES)
                    text = "\n\n".join(rng.sample(pool[locale], rng.randint(2, 6)))
                    versions.append(
                        Version(
                            document=document,
                            number=1,
                            filename=f"{document.pk}.txt",
                            size=len(text),
                            mime_type="text/plain",
                            sha256=f"{document.pk:064x}",
                            created_by=document.owner,
                            text=text,
                            text_status="done",
                        )
                    )
                Version.objects.bulk_create(versions)
                for document, version in zip(documents, versions, strict=True):
                    document.current_version = version
                Document.objects.bulk_update(documents, ["current_version"])
                through = Document.tags.through
                through.objects.bulk_create(
                    [
                        through(document_id=document.pk, tag_id=tag.pk)
                        for document in documents
                        for tag in rng.sample(tags, rng.randint(0, 2))
                    ]
                )
            bar.update(size)


def vocabulary(seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed + 1)
    pool = text_pool(seed)
    cases = []
    for _ in range(50):
        words = [w.strip(".,;:") for w in rng.choice(pool[rng.choice(LOCALES)]).split()]
        words = [w for w in words if len(w) > 4] or ["contract"]
        sentence = rng.choice(pool[rng.choice(LOCALES)]).split()
        phrase = " ".join(w.strip(".,") for w in sentence[1:3])
        cases.append(
            {
                "w1": rng.choice(words).lower(),
                "w2": rng.choice(words).lower(),
                "w3": rng.choice(words).lower(),
                "p": phrase,
                "pre": rng.choice(words).lower()[:4],
            }
        )
    return cases


def query_params(count: int, seed: int) -> list[dict[str, str]]:
    """The API's query parameters: 10 % fuzzy, 15 % with a type filter, 10 % sorted by date."""
    rng = random.Random(seed + 2)
    cases = vocabulary(seed)
    requests = []
    for _ in range(count):
        params = {"q": rng.choice(QUERIES).format(**rng.choice(cases)), "page_size": "20"}
        roll = rng.random()
        if roll < 0.15:
            params["document_type"] = "contract"
        elif roll < 0.25:
            params["fuzzy"] = "true"
        elif roll < 0.35:
            params["sort"] = "-created_at"
        requests.append(params)
    return requests


# --------------------------------------------------------------------------- the bare side
def bare_query(params: dict[str, str], user: Any, *, by_name: bool = False) -> Any:
    """The tantivy query for the API's parameters, built from what the index stores.

    The one place that knows the index layout on the bare side: documents are `live` = 1, the
    type is in `document_type`, and `viewers` holds per principal the level deciding for it:
    `allow<L>:p` (p's nearest entries, at level L, allow) and `cut<L>:p` (p is decided before
    an allow at L counts). Level 0 is owner rights, 1 the document, 2 its folder and one more
    per folder above, as deep as inherited folder links go. A reader may view a document when,
    at some level, one of their `allow` terms is stored and none of their `cut` terms; level 0
    is never cut. The principals (the reader's user, groups, roles and `everyone`) and the
    depth come from the auth and folder tables here, not through Kontor's permission code; the
    unions are term queries as the embedded backend builds them, so the engine does the same
    work. The words go through Kontor's query compiler: the bare side must ask the same
    question to get the same hits. `by_name`: the documents the reader's user principal alone
    may see.
    """
    from django.db.models import Max
    from tantivy import Occur, Query

    from permissions.models import FolderAncestor, RoleAssignment
    from search.backends.embedded import SCHEMA, compile_query
    from search.query import parse_query

    principals = [f"user:{user.get_username()}"]
    if not by_name:
        principals += [f"group:{name}" for name in user.groups.values_list("name", flat=True)]
        roles = RoleAssignment.objects.filter(user=user).values_list("role", flat=True)
        principals += [f"role:{role}" for role in sorted(roles)]
        principals.append("everyone")
    deepest = FolderAncestor.objects.filter(is_inherited=True).aggregate(d=Max("depth"))["d"]
    last_level = 1 if deepest is None else 2 + int(deepest)

    def any_of(terms: list[str]) -> Any:
        return Query.boolean_query(
            [(Occur.Should, Query.term_query(SCHEMA, "viewers", term)) for term in terms]
        )

    def level_test(level: int) -> Any:
        clauses = [(Occur.Must, any_of([f"allow{level}:{p}" for p in principals]))]
        if level:
            clauses.append((Occur.MustNot, any_of([f"cut{level}:{p}" for p in principals])))
        return Query.boolean_query(clauses)

    access = Query.boolean_query(
        [(Occur.Should, level_test(level)) for level in range(last_level + 1)]
    )
    clauses = [
        compile_query(parse_query(params["q"]), params.get("fuzzy") == "true"),
        Query.term_query(SCHEMA, "live", 1),
        access,
    ]
    if params.get("document_type"):
        clauses.append(Query.term_query(SCHEMA, "document_type", params["document_type"]))
    return Query.boolean_query([(Occur.Must, clause) for clause in clauses])


def bare_search(query: Any, by_date: bool, snippets: bool) -> tuple[int, list[int], Any]:
    """What the API's answer holds, by tantivy alone: (count, ids of the page, facets)."""
    from tantivy import Order, SnippetGenerator

    from search.backends import get_backend
    from search.backends.embedded import FACET_AGGREGATION, SCHEMA

    searcher = get_backend().searcher()  # type: ignore[attr-defined]
    if by_date:
        result = searcher.search(
            query, PAGE_SIZE, count=True, order_by_field="created", order=Order.Desc
        )
    else:
        result = searcher.search(query, PAGE_SIZE, count=True)
    facets = searcher.aggregate(query, FACET_AGGREGATION)
    generators = (
        [SnippetGenerator.create(searcher, query, SCHEMA, name) for name in ("title", "text")]
        if snippets
        else []
    )
    ids = []
    for _score, address in result.hits:
        document = searcher.doc(address)
        ids.append(document.get_first("id"))
        for generator in generators:
            generator.snippet_from_doc(document).to_html()
    return result.count, ids, facets


# --------------------------------------------------------------------------- the API side
def wsgi_client(user: Any) -> Any:
    """A function that sends one search through the WSGI application as the server calls it,
    without the socket (Django's test client would skip the server's per-request connection
    handling and add test-only instrumentation). Returns (status, body)."""
    from django.test import RequestFactory
    from rest_framework.authtoken.models import Token

    from config.runtime import settle
    from config.wsgi import application  # the entry point the server calls

    token, _ = Token.objects.get_or_create(user=user)
    # a Host the server serves by default, as a client of `make run` sends it
    factory = RequestFactory(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="127.0.0.1:8000")
    settle()  # as the server's WSGI module does after loading

    def send(environ: dict[str, Any]) -> tuple[str, bytes]:
        status: list[str] = []

        def start_response(code: str, headers: Any, *rest: Any) -> Any:
            status.append(code)
            return status.append  # the write() callable; Django never calls it

        body = application(environ, start_response)
        try:
            return status[0], b"".join(body)
        finally:
            body.close()  # type: ignore[attr-defined]  # Django's responses have one

    def environ_for(params: dict[str, str]) -> dict[str, Any]:
        return dict(factory.get("/api/v1/search/", params).environ)

    return send, environ_for


# --------------------------------------------------------------------------- comparing answers
def api_answer(answer: tuple[str, bytes]) -> tuple[int, list[int], dict[str, dict[str, int]]]:
    status, content = answer
    assert status.startswith("200"), content[:500]
    body = json.loads(content)
    ids = [result["document"]["id"] for result in body["results"]]
    facets = {name: counts for name, counts in body["facets"].items() if counts}
    return int(body["count"]), ids, facets


def bare_answer(answer: tuple[int, list[int], Any]) -> tuple[int, list[int], dict[str, Any]]:
    count, ids, aggregations = answer
    facets = {
        name: {bucket["key"]: int(bucket["doc_count"]) for bucket in body.get("buckets", [])}
        for name, body in aggregations.items()
    }
    return int(count), [int(i) for i in ids], {name: f for name, f in facets.items() if f}


def main() -> None:
    args = parse_args()
    data_dir = setup_django(data_dir=args.data_dir)
    print(f"data dir: {data_dir}", flush=True)
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from repository.models import Document

    if not Document.objects.exists():
        generate(args.docs, args.seed)
    total = Document.objects.count()

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    call_command("reindex", "--batch-size", "2000", "--restart")
    reindex_s = time.perf_counter() - started
    print(f"reindex: {total:,} documents in {reindex_s:.1f} s = {total / reindex_s:.0f} docs/s")
    print(f"load average (1 min) {load_before:.2f} -> {os.getloadavg()[0]:.2f}", flush=True)

    reader = User.objects.get(username="bench-reader")
    visible = bare_search(bare_query({"q": ""}, reader), False, snippets=False)[0]
    one_by_one = bare_search(bare_query({"q": ""}, reader, by_name=True), False, False)[0]
    print(
        f"the reader may see {visible:,} of {total:,} documents ({visible / total:.0%}), "
        f"{one_by_one:,} of them by their user principal alone (owned or granted by name)",
        flush=True,
    )
    send, environ_for = wsgi_client(reader)
    params = query_params(args.queries, args.seed)
    # Built before the clock: the bare side times the engine only.
    queries = [bare_query(p, reader) for p in params]
    sides = {
        "api": lambda item: send(item[0]),
        "bare": lambda item: bare_search(item[1], item[2], snippets=True),
        "bare without highlights": lambda item: bare_search(item[1], item[2], snippets=False),
    }

    def items_of(chosen: list[dict[str, str]]) -> list[tuple[dict[str, Any], Any, bool]]:
        return [
            (environ_for(p), query, p.get("sort") == "-created_at")
            for p, query in zip(chosen, queries, strict=False)
        ]

    for item in items_of(params[:20]):  # warm up
        for run in sides.values():
            run(item)
    items = items_of(params)
    load_before = os.getloadavg()[0]
    times, answers = time_sides(sides, items, "queries")
    load_after = os.getloadavg()[0]

    counts = []
    for number, p in enumerate(params):
        ours = api_answer(answers["api"][number])
        for side in ("bare", "bare without highlights"):
            bare = bare_answer(answers[side][number])
            assert ours == bare, f"{p}: the API answered {ours[:2]}, {side} {bare[:2]}"
        counts.append(ours[0])
    print(
        f"{len(params)} queries, the same hits on both sides; median hits "
        f"{statistics.median(counts):.0f}, no hits for {counts.count(0)}",
    )
    print(f"load average (1 min) {load_before:.2f} -> {load_after:.2f} on {os.cpu_count()} cores")

    table = RatioTable(
        f"Search benchmark: {total:,} documents, {len(params)} queries as a reader in "
        f"{READER_GROUPS} groups; ms, ours (API) against bare tantivy"
    )
    table.row(
        "reindex docs/s",
        total / reindex_s,
        None,
        f"{total:,} within {TARGET_REINDEX_S:.0f} s",
        reindex_s <= TARGET_REINDEX_S * total / 100_000,
    )
    api50, api95 = p50_p95(times["api"])
    for side in ("bare", "bare without highlights"):
        bare50, bare95 = p50_p95(times[side])
        name = "" if side == "bare" else " (bare without highlights)"
        met = api95 <= TARGET_P95_MS and api95 / bare95 <= TARGET_RATIO
        target = f"<= {TARGET_P95_MS:.0f} ms, ratio <= {TARGET_RATIO}" if not name else ""
        table.row(f"query p95{name}", api95, bare95, target, met if not name else None)
        table.row(
            f"query p50{name}",
            api50,
            bare50,
            f"ratio <= {TARGET_RATIO}" if not name else "",
            api50 / bare50 <= TARGET_RATIO if not name else None,
        )
    table.print()


if __name__ == "__main__":
    main()
