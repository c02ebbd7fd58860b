"""Upload benchmark: ingest through the API against radosgw, beside bare boto3 to the same server.

Runs against the production servers (`make bench`, or `make services-up && . var/services/env.sh`):
a real gunicorn (gthread) server and a real Celery worker are started as subprocesses with a
temporary KONTOR_DATA_DIR.

1. Small documents: N documents per size class (.txt and .docx, seeded Faker text) uploaded
   through `POST /api/v1/documents/` from K keep-alive client threads. Ours: the clock stops
   when every document is searchable, polling `GET /api/v1/search/` for a word that only the
   documents' text holds (upload, store, extract, index). Bare: boto3 put_object of the same
   bytes to the same bucket with the same concurrency; the clock stops when every put has
   returned (radosgw answers once the object is durable).
2. One big file (default 1 GiB, generated on disk): streamed as a multipart body with
   http.client while the RSS of gunicorn's process tree is sampled every 50 ms. Ours: until
   the 201, and until its title is searchable. Bare: boto3 upload_file (default
   TransferConfig) and put_object of the same file.

Before each timed run the servers must be idle (`_common.wait_quiet`): what one side leaves
running in the background never shares the CPU with the other side's clock.

usage: python bench/upload.py [--docs N] [--concurrency K] [--big-mb MB] [--json PATH]
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    MB,
    ROOT,
    VENV_BIN,
    RatioTable,
    RssSampler,
    cpu_seconds,
    cpu_used,
    free_port,
    percentile,
    pids_listening_on,
    progress,
    require_env,
    run_threads,
    start_process,
    stop_all,
    text_of,
    text_pool,
    tree_cpu_seconds,
    wait_http,
    wait_quiet,
    write_json,
)

NEEDED_ENV = (
    "DATABASE_URL",
    "KONTOR_S3_ENDPOINT_URL",
    "KONTOR_S3_BUCKET",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "CELERY_BROKER_URL",
)
HINT = (
    "This benchmark runs against the production servers: run `make bench`, or "
    "`make services-up && . var/services/env.sh` and then `.venv/bin/python bench/upload.py`."
)
SIZE_CLASSES = {"2 KB": 2 * 1024, "20 KB": 20 * 1024, "200 KB": 200 * 1024}
TARGET_DOCS_PER_S = 50.0
TARGET_BIG_RATIO = 0.7
TARGET_RSS_GROWTH_MB = 100.0
CHUNK = 8 * MB
SEND_CHUNK = 1 * MB
API = "/api/v1/documents/"
SEARCH_API = "/api/v1/search/"
POLL_SECONDS = 0.2


# --------------------------------------------------------------------------- corpus
@dataclass(frozen=True)
class Doc:
    name: str
    data: bytes
    content_type: str


def make_docx(paragraphs: Sequence[str]) -> bytes:
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_corpus(label: str, size: int, count: int, token: str, seed: int) -> list[Doc]:
    """Half .txt, half .docx; each unique (its number on the first line, beside `token`, the
    word the run searches for to see them indexed)."""
    pool = [paragraph for paragraphs in text_pool(seed).values() for paragraph in paragraphs]
    rng = random.Random(seed)
    docs = []
    with progress(count, f"corpus {label}", leave=False) as bar:
        for i in range(count):
            paragraphs = text_of(rng, pool, size, f"Kontor bench {token} no. {i}")
            if i % 2:
                docs.append(
                    Doc(
                        f"bench-{i}.docx",
                        make_docx(paragraphs),
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    )
                )
            else:
                docs.append(Doc(f"bench-{i}.txt", "\n".join(paragraphs).encode(), "text/plain"))
            bar.update(1)
    return docs


def make_big_file(path: Path, megabytes: int, nonce: str) -> int:
    """Pseudo-random bytes written 8 MB at a time; never held in memory whole."""
    rng = random.Random(nonce)
    remaining = megabytes * MB
    header = f"KONTOR-BENCH {nonce}\n".encode()
    with (
        path.open("wb") as out,
        progress(remaining, "big file", unit="B", unit_scale=True, leave=False) as bar,
    ):
        first = True
        while remaining:
            block = rng.randbytes(min(CHUNK, remaining))
            if first:  # a text header: no accidental executable signature at the start
                block = header + block[len(header) :]
                first = False
            out.write(block)
            remaining -= len(block)
            bar.update(len(block))
    return megabytes * MB


# --------------------------------------------------------------------------- HTTP client
def multipart_parts(filename: str, content_type: str, title: str) -> tuple[str, bytes, bytes]:
    boundary = f"kontorbench{uuid.uuid4().hex}"
    head = (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return f"multipart/form-data; boundary={boundary}", head, tail


class ApiClient:
    """One keep-alive connection per thread."""

    def __init__(self, port: int, token: str) -> None:
        self.port = port
        self.token = token
        self._local = threading.local()

    def connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
            self._local.conn = conn
        return conn

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, bytes]:
        headers["Authorization"] = f"Token {self.token}"
        for attempt in (1, 2):
            conn = self.connection()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                # The server closed an idle keep-alive connection: reconnect once.
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def upload(self, doc: Doc, title: str) -> tuple[int, bytes]:
        content_type, head, tail = multipart_parts(doc.name, doc.content_type, title)
        return self.request("POST", API, head + doc.data + tail, **{"Content-Type": content_type})

    def search_count(self, words: str) -> int:
        """How many documents `GET /api/v1/search/?q=words` finds (one short page)."""
        query = urllib.parse.urlencode({"q": words, "page_size": 1})
        status, body = self.request("GET", f"{SEARCH_API}?{query}")
        if status != 200:
            raise RuntimeError(f"search answered {status}: {body[:300]!r}")
        return int(json.loads(body)["count"])

    def upload_file(self, path: Path, title: str) -> tuple[int, bytes, float]:
        """Stream a file as the multipart body; returns status, body, seconds to send it."""
        content_type, head, tail = multipart_parts(path.name, "application/octet-stream", title)
        size = path.stat().st_size
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=3600)
        try:
            started = time.perf_counter()
            conn.putrequest("POST", API)
            conn.putheader("Authorization", f"Token {self.token}")
            conn.putheader("Content-Type", content_type)
            conn.putheader("Content-Length", str(len(head) + size + len(tail)))
            conn.endheaders()
            conn.send(head)
            with path.open("rb") as source:
                while chunk := source.read(SEND_CHUNK):
                    conn.send(chunk)
            conn.send(tail)
            sent = time.perf_counter() - started
            response = conn.getresponse()
            return response.status, response.read(), sent
        finally:
            conn.close()


# --------------------------------------------------------------------------- S3 (bare)
def s3_client(concurrency: int) -> Any:
    """A client configured like repository.storage.S3BlobStorage's (path style, no CRC)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=os.environ["KONTOR_S3_ENDPOINT_URL"],
        region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        config=Config(
            s3={"addressing_style": "path"},
            max_pool_connections=max(10, concurrency * 2),
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )


def delete_prefix(s3: Any, bucket: str, prefix: str) -> None:
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            s3.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})


# --------------------------------------------------------------------------- CPU accounting
def _port_of(url: str) -> int:
    return urllib.parse.urlsplit(url).port or 0


def _ceph_osds_beside(rgw_pids: Sequence[int]) -> list[int]:
    """ceph-osd processes started with the same ceph.conf as these radosgw processes."""
    confs = set()
    for pid in rgw_pids:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        if b"-c" in args:
            confs.add(args[args.index(b"-c") + 1])
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            args = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if args and args[0].endswith(b"ceph-osd") and confs.intersection(args):
            found.append(int(proc.name))
    return found


class CpuMeter:
    """CPU seconds spent by each part of the system between `start()` and `stop()`.

    On a shared 2-core machine wall time depends on the neighbours; CPU time per document
    does not, and it says where the time goes and what the machine could do at best.
    """

    def __init__(self, server_pid: int, worker_pid: int) -> None:
        rgw = pids_listening_on(_port_of(os.environ["KONTOR_S3_ENDPOINT_URL"]))
        self.parts: dict[str, list[int]] = {
            "gunicorn": [server_pid],
            "celery worker": [worker_pid],
            "postgres": pids_listening_on(_port_of(os.environ["DATABASE_URL"])),
            "radosgw+osd": rgw + _ceph_osds_beside(rgw),
            "redis": pids_listening_on(_port_of(os.environ["CELERY_BROKER_URL"])),
        }
        if os.environ.get("KONTOR_SEARCH_URL"):
            self.parts["search server"] = pids_listening_on(
                _port_of(os.environ["KONTOR_SEARCH_URL"])
            )
        self._before: dict[str, dict[int, float]] = {}

    def server_pids(self) -> list[int]:
        """Every server process measured (not the bench client)."""
        return [pid for pids in self.parts.values() for pid in pids]

    def _read(self) -> dict[str, dict[int, float]]:
        readings = {name: tree_cpu_seconds(pids) for name, pids in self.parts.items()}
        readings["bench client"] = {os.getpid(): cpu_seconds(os.getpid())}
        return readings

    def start(self) -> None:
        self._before = self._read()

    def stop(self) -> dict[str, float]:
        after = self._read()
        return {name: cpu_used(self._before[name], after[name]) for name in after}


def describe_cpu(used: dict[str, float], per: float = 1, unit: str = "") -> str:
    """'CPU ms per doc: gunicorn 12.0, ...' (or 'CPU s: ...' when `unit` is empty)."""
    scale, head = (1000 / per, f"CPU ms per {unit}") if unit else (1.0, "CPU s")
    parts = ", ".join(f"{name} {seconds * scale:.1f}" for name, seconds in used.items())
    return f"{head}: {parts}; total {sum(used.values()) * scale:.1f}"


# --------------------------------------------------------------------------- the run
class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out = Path(os.environ.get("KONTOR_BENCH_OUT", ROOT / "var" / "bench")).resolve()
        self.out.mkdir(parents=True, exist_ok=True)
        self.logs = self.out / "upload-logs"
        self.data_dir = Path(tempfile.mkdtemp(prefix="upload-data-", dir=self.out))
        self.nonce = uuid.uuid4().hex[:12]
        self.bucket = os.environ["KONTOR_S3_BUCKET"]
        self.table = RatioTable(
            f"Upload benchmark: {args.docs} docs per class, {args.concurrency} client threads, "
            f"gunicorn gthread 2x4, celery prefork x{args.worker_processes}, {os.cpu_count()} CPUs"
        )
        self.figures: dict[str, Any] = {}
        self.env: dict[str, str] = {
            **os.environ,
            "KONTOR_DATA_DIR": str(self.data_dir),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "kontor-bench-only",
            "DEBUG": "false",
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "LOG_LEVEL": "WARNING",
        }
        if not args.search_server:
            # The Elasticsearch stand-in of the test servers is no engine to time (its query
            # time grows with the corpus): index into tantivy, a real engine, in the data dir.
            self.env.pop("KONTOR_SEARCH_URL", None)
            os.environ.pop("KONTOR_SEARCH_URL", None)
        os.environ.update(self.env)
        self.port = 0
        self.server: subprocess.Popen[bytes] | None = None
        self.worker: subprocess.Popen[bytes] | None = None
        self.api: ApiClient | None = None
        self.cpu: CpuMeter | None = None
        self.s3 = s3_client(args.concurrency)

    # ----------------------------------------------------------------- set-up
    def setup(self) -> None:
        print(f"data dir {self.data_dir}; logs in {self.logs}", flush=True)
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from rest_framework.authtoken.models import Token

        user, _ = get_user_model().objects.get_or_create(username="bench-uploader")
        token = Token.objects.get_or_create(user=user)[0].key

        self.port = free_port()
        self.server = start_process(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--worker-class",
                "gthread",
                "--workers",
                "2",
                "--threads",
                "4",
                "--no-control-socket",
            ],
            env=self.env,
            log=self.logs / "gunicorn.log",
        )
        self.worker = start_process(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "worker",
                # What `make worker` runs: the prefork pool, one process per core (its time
                # limits, which stop a hostile file's extraction, need processes).
                "--pool=prefork",
                f"--concurrency={self.args.worker_processes}",
                "--loglevel=warning",
            ],
            env=self.env,
            log=self.logs / "celery.log",
        )
        wait_http(f"http://127.0.0.1:{self.port}/healthz", timeout=60, process=self.server)
        self.api = ApiClient(self.port, token)
        self.cpu = CpuMeter(self.server.pid, self.worker.pid)
        # Warm-up: both gunicorn workers, the worker's imports, S3 and DB connections, search.
        token = self.token("warm-up")
        warm = make_corpus("warm-up", 2048, 4 * self.args.concurrency, token, 7)
        self.ingest("warm-up", warm, token, timeout=120)
        print(
            f"gunicorn on 127.0.0.1:{self.port} (pid {self.server.pid}), celery worker "
            f"(pid {self.worker.pid}) ready",
            flush=True,
        )

    def stop(self) -> None:
        stop_all()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def token(self, label: str) -> str:
        """A word no other document of any run holds: what a run searches for."""
        return f"kb{self.nonce}{''.join(c for c in label if c.isalnum())}".lower()

    def quiet(self) -> None:
        """Wait until the servers are idle, so no background work shares the next clock."""
        assert self.cpu is not None
        waited = wait_quiet(self.cpu.server_pids())
        if waited > 5:
            print(f"  (waited {waited:.0f} s for the servers to go idle)", flush=True)

    # ----------------------------------------------------------------- ingest
    def pending(self, prefix: str) -> tuple[int, int]:
        from repository.models import TextStatus, Version

        versions = Version.objects.filter(document__title__startswith=prefix)
        return (
            versions.filter(text_status=TextStatus.PENDING).count(),
            versions.filter(text_status=TextStatus.FAILED).count(),
        )

    def wait_searchable(
        self, words: str, count: int, started: float, prefix: str, timeout: float
    ) -> tuple[float, float, int]:
        """Poll the search API until `count` documents hold `words` (or as many as have their
        text: a failed extraction leaves nothing to find). Returns the seconds since `started`
        until every text was extracted and until all were found, and the failed extractions."""
        assert self.api is not None
        deadline = time.monotonic() + timeout
        extracted_at, failed = 0.0, 0
        with progress(count, "searchable", leave=False) as bar:
            while True:
                found = self.api.search_count(words)
                now = time.perf_counter() - started
                bar.n = found
                bar.refresh()
                if not extracted_at:
                    pending, failed = self.pending(prefix)
                    if not pending:
                        extracted_at = now
                if found >= count - failed and extracted_at:
                    return extracted_at, now, failed
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"{found} of {count} documents searchable after {timeout:.0f} s"
                    )
                time.sleep(POLL_SECONDS)

    def ingest(
        self, label: str, docs: Sequence[Doc], words: str, timeout: float = 600
    ) -> dict[str, Any]:
        """Upload through the API until every document is searchable; return the timings."""
        assert self.api is not None and self.cpu is not None
        api = self.api
        prefix = f"bench {self.nonce} {label} "
        latencies: list[float] = []
        failures: list[str] = []

        def work(item: tuple[int, Doc]) -> None:
            i, doc = item
            t = time.perf_counter()
            status, body = api.upload(doc, f"{prefix}{i}")
            latencies.append(time.perf_counter() - t)
            if status != 201:
                failures.append(f"{status} {body[:300]!r}")
                if len(failures) > 5:
                    raise RuntimeError(f"uploads fail: {failures[:3]}")

        self.quiet()
        self.cpu.start()
        started = time.perf_counter()
        run_threads(list(enumerate(docs)), self.args.concurrency, work)
        uploaded = time.perf_counter() - started
        if failures:
            raise RuntimeError(f"{len(failures)} uploads failed, e.g. {failures[0]}")
        extracted, searchable, failed = self.wait_searchable(
            words, len(docs), started, prefix, timeout
        )
        cpu = self.cpu.stop()
        if failed:
            print(f"warning: {failed} of {len(docs)} {label} extractions failed", file=sys.stderr)
        return {
            "uploaded_s": uploaded,
            "extracted_s": extracted,
            "searchable_s": searchable,
            "p50_ms": percentile(latencies, 50) * 1000,
            "p95_ms": percentile(latencies, 95) * 1000,
            "extract_failed": failed,
            "cpu_s": cpu,
        }

    def bare_puts(self, label: str, docs: Sequence[Doc]) -> float:
        """Seconds until every put_object has returned (the objects are durable)."""
        prefix = f"bench-bare/{self.nonce}/{label.replace(' ', '')}/"

        def work(item: tuple[int, Doc]) -> None:
            i, doc = item
            self.s3.put_object(Bucket=self.bucket, Key=f"{prefix}{i}", Body=doc.data)

        self.quiet()
        started = time.perf_counter()
        run_threads(list(enumerate(docs)), self.args.concurrency, work)
        elapsed = time.perf_counter() - started
        delete_prefix(self.s3, self.bucket, prefix)
        return elapsed

    def small_documents(self) -> None:
        n, k = self.args.docs, self.args.concurrency
        for number, (label, size) in enumerate(SIZE_CLASSES.items()):
            words = self.token(label)
            docs = make_corpus(label, size, n, words, 1000 + number)
            total_mb = sum(len(d.data) for d in docs) / MB
            print(f"{label}: {n} documents, {total_mb:.1f} MB, {k} client threads", flush=True)
            ours = self.ingest(label, docs, words)
            bare_s = self.bare_puts(label, docs)
            docs_s, bare_docs_s = n / ours["searchable_s"], n / bare_s
            print(
                f"  ours: {docs_s:.1f} docs/s until searchable (all uploaded after "
                f"{ours['uploaded_s']:.1f} s, extracted after {ours['extracted_s']:.1f} s, "
                f"searchable after {ours['searchable_s']:.1f} s; upload p50 "
                f"{ours['p50_ms']:.0f} ms, p95 {ours['p95_ms']:.0f} ms); "
                f"bare put_object: {bare_docs_s:.1f} docs/s ({bare_s:.1f} s)",
                flush=True,
            )
            cpus, cpu_total = os.cpu_count() or 1, sum(ours["cpu_s"].values())
            ceiling = cpus * n / cpu_total
            print(f"  {describe_cpu(ours['cpu_s'], n, 'doc')}", flush=True)
            print(f"  CPU-bound ceiling on {cpus} idle CPUs: {ceiling:.0f} docs/s", flush=True)
            self.figures[f"small {label}"] = {
                "docs": n,
                "concurrency": k,
                "bytes": sum(len(d.data) for d in docs),
                "ours_docs_per_s": docs_s,
                "ours_mb_per_s": total_mb / ours["searchable_s"],
                "bare_s": bare_s,
                "bare_docs_per_s": bare_docs_s,
                "bare_mb_per_s": total_mb / bare_s,
                "cpu_bound_ceiling_docs_per_s": ceiling,
                **ours,
            }
            self.table.row(
                f"{label} docs/s (searchable vs put)",
                docs_s,
                bare_docs_s,
                f">= {TARGET_DOCS_PER_S:.0f} docs/s",
                docs_s >= TARGET_DOCS_PER_S,
            )
            self.table.row(f"{label} MB/s", total_mb / ours["searchable_s"], total_mb / bare_s)

    # ----------------------------------------------------------------- one big file
    def big_file(self) -> None:
        from boto3.s3.transfer import TransferConfig

        assert self.api is not None and self.server is not None and self.cpu is not None
        megabytes = self.args.big_mb
        path = self.out / f"upload-big-{self.nonce}.bin"
        try:
            size = make_big_file(path, megabytes, self.nonce)
            label = f"{megabytes} MB file"
            prefix = f"bench {self.nonce} big "
            words = self.token("big")
            self.quiet()
            self.cpu.start()
            with RssSampler(self.server.pid, 0.05) as rss:
                started = time.perf_counter()
                status, body, sent = self.api.upload_file(path, f"{prefix}{words}")
                stored = time.perf_counter() - started
            if status != 201:
                raise RuntimeError(f"the big upload failed: {status} {body[:500]!r}")
            _, searchable, _ = self.wait_searchable(words, 1, started, prefix, 600)
            big_cpu = self.cpu.stop()
            ours, ours_stored = size / MB / searchable, size / MB / stored
            print(
                f"{label}: ours {ours:.1f} MB/s until searchable ({searchable:.1f} s: body sent "
                f"in {sent:.1f} s, the 201 after {stored:.1f} s); server RSS "
                f"{rss.baseline / MB:.0f} -> {rss.peak / MB:.0f} MB ({rss.samples} samples)",
                flush=True,
            )
            print(f"  {describe_cpu(big_cpu)}", flush=True)

            key = f"bench-bare/{self.nonce}/big"
            self.quiet()
            started = time.perf_counter()
            self.s3.upload_file(str(path), self.bucket, key, Config=TransferConfig())
            upload_file_s = time.perf_counter() - started
            self.s3.delete_object(Bucket=self.bucket, Key=key)
            self.quiet()
            started = time.perf_counter()
            with path.open("rb") as handle:
                self.s3.put_object(Bucket=self.bucket, Key=key, Body=handle)
            put_s = time.perf_counter() - started
            self.s3.delete_object(Bucket=self.bucket, Key=key)
        finally:
            path.unlink(missing_ok=True)

        bare = size / MB / upload_file_s
        bare_put = size / MB / put_s
        print(
            f"  bare upload_file {bare:.1f} MB/s, bare put_object {bare_put:.1f} MB/s", flush=True
        )
        self.figures["big"] = {
            "bytes": size,
            "ours_searchable_s": searchable,
            "ours_stored_s": stored,
            "ours_body_sent_s": sent,
            "ours_mb_per_s": ours,
            "ours_stored_mb_per_s": ours_stored,
            "bare_upload_file_mb_per_s": bare,
            "bare_put_object_mb_per_s": bare_put,
            "rss_baseline_bytes": rss.baseline,
            "rss_peak_bytes": rss.peak,
            "rss_growth_bytes": rss.growth,
            "rss_samples": rss.samples,
            "cpu_s": big_cpu,
        }
        self.table.row(
            f"{label} MB/s (searchable vs upload_file)",
            ours,
            bare,
            f">= {TARGET_BIG_RATIO}x bare",
            ours / bare >= TARGET_BIG_RATIO,
        )
        self.table.row(f"{label} MB/s (searchable vs put_object)", ours, bare_put)
        self.table.row(f"{label} MB/s (the 201 vs upload_file)", ours_stored, bare)
        self.table.row("server RSS baseline MB", rss.baseline / MB, None)
        self.table.row("server RSS peak MB", rss.peak / MB, None)
        growth = rss.growth / MB
        self.table.row(
            "server RSS growth MB",
            growth,
            None,
            f"< {TARGET_RSS_GROWTH_MB:.0f} MB",
            growth < TARGET_RSS_GROWTH_MB,
        )

    def report(self) -> None:
        self.table.print()
        self.figures["all_targets_met"] = self.table.all_met
        json_path = self.args.json or (
            self.out / "upload.json" if os.environ.get("KONTOR_BENCH_OUT") else None
        )
        if json_path:
            write_json(json_path, self.figures)
            print(f"\nfigures written to {json_path}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--docs", type=int, default=500, help="documents per size class")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--big-mb", type=int, default=1024, help="big file in MiB; 0 skips it")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--search-server",
        action="store_true",
        help="index into KONTOR_SEARCH_URL (a real Elasticsearch) instead of the embedded index",
    )
    parser.add_argument(
        "--worker-processes", type=int, default=4, help="Celery prefork processes (default 4)"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    require_env(NEEDED_ENV, HINT)
    bench = Bench(args)
    try:
        bench.setup()
        if args.docs > 0:
            bench.small_documents()
        if args.big_mb > 0:
            bench.big_file()
    finally:
        bench.stop()
    bench.report()
    return 0


if __name__ == "__main__":
    sys.exit(main())
