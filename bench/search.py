"""Search benchmark on the embedded (tantivy) backend.

Generates N documents of multilingual text (Faker: en, ru, de, fr, es) straight into the
database, rebuilds the index with `manage.py reindex` (the indexer's own code path), then
times queries through the API (its WSGI application as the server calls it, without the
socket: token auth, ACL re-check, audit and all) beside the bare tantivy query for the same
request and prints the ratio. The bare query does what the
API answer holds, with the engine's own means: search with count, the facet aggregation, the
page's stored documents, and highlights from tantivy's `SnippetGenerator` for title and text
(Kontor highlights in Python instead, because tantivy's snippets miss stemmed, prefix and
fuzzy matches). The figure without highlights is printed too. The bare side times the engine
only: the request (query parsing, the caller's principals) is built before the clock starts.

    .venv/bin/python bench/search.py --docs 100000
    .venv/bin/python bench/search.py --docs 10000 --queries 300

Targets: reindex 100k within 5 minutes; API p95 <= 50 ms at 100k; API/bare ratio <= 1.5.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LOCALES = ["en_US", "ru_RU", "de_DE", "fr_FR", "es_ES"]
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


def setup_django(data_dir: str) -> None:
    os.environ["KONTOR_DATA_DIR"] = data_dir
    for name in (
        "DATABASE_URL",
        "KONTOR_SEARCH_URL",
        "CELERY_BROKER_URL",
        "KONTOR_S3_ENDPOINT_URL",
    ):
        os.environ.pop(name, None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def paragraphs(seed: int) -> dict[str, list[str]]:
    from faker import Faker

    pool = {}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        pool[locale] = [fake.paragraph(nb_sentences=6) for _ in range(400)]
        pool[locale] += [f"{fake.company()} {fake.name()} {fake.address()}" for _ in range(100)]
    return pool


def generate(count: int, seed: int) -> None:
    from django.contrib.auth.models import User
    from django.db import transaction
    from tqdm import tqdm

    from repository.models import Document, DocumentType, Tag, Version

    rng = random.Random(seed)
    pool = paragraphs(seed)
    owner = User.objects.create_user("bench", password="bench-pass-1")
    other = User.objects.create_user("other", password="other-pass-1")
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
    with tqdm(total=count, unit="doc", desc="generating") as progress:
        for start in range(0, count, batch):
            size = min(batch, count - start)
            with transaction.atomic():
                documents = Document.objects.bulk_create(
                    [
                        Document(
                            title=rng.choice(pool[rng.choice(LOCALES)]).split(".")[0][:200],
                            document_type=rng.choice(types),
                            status=rng.choice(statuses),
                            owner=owner if rng.random() < 0.8 else other,
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
            progress.update(size)


def vocabulary(seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed + 1)
    pool = paragraphs(seed)
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


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    args = parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="kontor-bench-")
    setup_django(data_dir)
    print(f"data dir: {data_dir}")
    from django.core.management import call_command
    from django.test import RequestFactory
    from rest_framework.authtoken.models import Token
    from tantivy import SnippetGenerator
    from tqdm import tqdm

    from config.runtime import settle
    from permissions.index_terms import search_access
    from repository.models import Document
    from search.backends import get_backend
    from search.backends.embedded import FACET_AGGREGATION, SCHEMA, full_query
    from search.services import build_request

    if not Document.objects.exists():
        generate(args.docs, args.seed)
    total = Document.objects.count()

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    call_command("reindex", "--batch-size", "2000", "--restart")
    elapsed = time.perf_counter() - started
    print(f"reindex: {total} documents in {elapsed:.1f} s = {total / elapsed:.0f} docs/s")
    print(f"load average (1 min) {load_before:.2f} -> {os.getloadavg()[0]:.2f}")

    from django.contrib.auth.models import User

    user = User.objects.get(username="bench")
    token, _ = Token.objects.get_or_create(user=user)
    # a Host the server serves by default, as a client of `make run` sends it
    factory = RequestFactory(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_HOST="127.0.0.1:8000")
    from config.wsgi import application  # the entry point the server calls

    backend = get_backend()
    searcher_of = backend.searcher  # type: ignore[attr-defined]
    rng = random.Random(args.seed + 2)
    cases = vocabulary(args.seed)
    requests = []
    for _ in range(args.queries):
        params: dict[str, Any] = {"q": rng.choice(QUERIES).format(**rng.choice(cases))}
        roll = rng.random()
        if roll < 0.15:
            params["document_type"] = "contract"
        elif roll < 0.25:
            params["fuzzy"] = "true"
        elif roll < 0.35:
            params["sort"] = "-created_at"
        requests.append(params)

    def engine_request(params: dict[str, Any]) -> Any:
        from django.http import QueryDict

        query_dict = QueryDict(mutable=True)
        query_dict.update(params)
        return build_request(user, query_dict)[0]

    def bare(request: Any, snippets: bool = True) -> None:
        searcher = searcher_of()
        query = full_query(request)
        if request.sort == "-created_at":
            from tantivy import Order

            result = searcher.search(
                query, request.limit, count=True, order_by_field="created", order=Order.Desc
            )
        else:
            result = searcher.search(query, request.limit, count=True)
        searcher.aggregate(query, FACET_AGGREGATION)
        generators = (
            [SnippetGenerator.create(searcher, query, SCHEMA, name) for name in ("title", "text")]
            if snippets
            else []
        )
        for _score, address in result.hits:
            document = searcher.doc(address)
            for generator in generators:
                generator.snippet_from_doc(document).to_html()

    def environ_for(params: dict[str, Any]) -> dict[str, Any]:
        return dict(factory.get("/api/v1/search/", params).environ)

    def api(environ: dict[str, Any]) -> tuple[str, bytes]:
        """One request through the WSGI application as the server calls it, without the
        socket (Django's test client would skip the server's per-request connection handling
        and add test-only instrumentation)."""
        status: list[str] = []

        def start_response(code: str, headers: Any, *rest: Any) -> Any:
            status.append(code)
            return status.append  # the write() callable; Django never calls it

        body = application(environ, start_response)
        try:
            return status[0], b"".join(body)
        finally:
            body.close()  # type: ignore[attr-defined]  # Django's responses have one

    def hits(answer: tuple[str, bytes]) -> int:
        """Read after the clock stops: parsing the answer is the client's work, not the API's."""
        status, content = answer
        assert status.startswith("200"), content
        return int(json.loads(content)["count"])

    engine_requests = [engine_request(params) for params in requests]
    settle()  # as the server's WSGI module does after loading
    for params, request in list(zip(requests, engine_requests, strict=True))[:20]:  # warm up
        hits(api(environ_for(params)))
        bare(request)
    times: dict[str, list[float]] = {"api": [], "bare": [], "plain": []}
    counts: list[int] = []
    answers: list[Any] = []
    load_before = os.getloadavg()[0]
    pairs = list(zip(requests, engine_requests, strict=True))

    def run(side: str, environ: dict[str, Any], request: Any) -> None:
        if side == "api":
            answers.append(api(environ))
        else:
            bare(request, snippets=side == "bare")

    for number, (params, request) in enumerate(tqdm(pairs, unit="query", desc="timing")):
        environ = environ_for(params)
        # Whichever side runs a query second finds the engine's caches warm from the first:
        # each side goes first for a third of the queries.
        order = list(times)[number % 3 :] + list(times)[: number % 3]
        for side in order:
            t = time.perf_counter()
            run(side, environ, request)
            times[side].append((time.perf_counter() - t) * 1000)
        counts.append(hits(answers.pop()))
    load_after = os.getloadavg()[0]
    access = search_access(user)
    levels = len(access.levels) if access is not None else 0
    median_hits = statistics.median(counts)
    print(f"queries: {len(requests)} ({levels} ACL levels tested); median hits {median_hits:.0f}")
    api_times, bare_times, plain_times = times["api"], times["bare"], times["plain"]
    for name, values in (
        ("api ", api_times),
        ("bare", bare_times),
        ("bare without highlights", plain_times),
    ):
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(f"{name}: p50 {p50:6.2f} ms   p95 {p95:6.2f} ms")
    ratio50 = percentile(api_times, 0.5) / percentile(bare_times, 0.5)
    ratio95 = percentile(api_times, 0.95) / percentile(bare_times, 0.95)
    print(f"ratio api/bare: p50 {ratio50:.2f}   p95 {ratio95:.2f}")
    plain50 = percentile(api_times, 0.5) / percentile(plain_times, 0.5)
    plain95 = percentile(api_times, 0.95) / percentile(plain_times, 0.95)
    print(f"ratio api/bare without highlights: p50 {plain50:.2f}   p95 {plain95:.2f}")
    cores = os.cpu_count()
    print(f"load average (1 min) {load_before:.2f} -> {load_after:.2f} on {cores} cores")


if __name__ == "__main__":
    main()
