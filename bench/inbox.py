"""Inbox benchmark: an approver's inbox beside the bare indexed SQL query for the same rows.

The claim it checks: the inbox stays fast for a busy approver. The approver is in 20 groups
(of 200); their principals (self and groups) hold 10,000 finished tasks and 100 open ones, plus
50 open group tasks they have decided already (quorum steps still waiting for others), among
the tasks of 30,000 other runs for other groups, over 100,000 documents. The versions under
review carry 20 KB of extracted text each, as uploaded documents do.

Both sides answer what the first page of `GET /approvals/inbox/` needs, and stop the clock at
the same point, the rows in hand: the number of open tasks and the first page (50, newest
first) with each task's run, document, route version and document version.

- ours: `lifecycle.services.inbox.inbox(actor=...)` as the API runs it (its count, then the
  page as model instances); the approver is loaded afresh for each request, as a request does.
- bare: the same two statements written by hand in SQL with the approver's principals as
  literals, which PostgreSQL answers from `task_inbox_idx` (principal, status, created_at).

The API request itself (`GET /api/v1/approvals/inbox/`, through Django's test client, JSON
included) is printed beside them for information. After timing, the three must list the same
ids in the same order and the same count.

    .venv/bin/python bench/inbox.py --database-url postgres://postgres@127.0.0.1:5432/kontor_bench
    .venv/bin/python bench/inbox.py                       # SQLite (embedded)
    .venv/bin/python bench/inbox.py --explain             # also print the plans
    .venv/bin/python bench/inbox.py --keep ...            # time the data of the last run again

Targets: ours p95 at most 30 ms; ours/bare p95 ratio at most 2.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from _common import RatioTable, cpu_seconds, p50_p95, progress, setup_django, time_sides

GROUPS = 200
APPROVER_GROUPS = 20
DOCUMENTS = 100_000
FINISHED = 10_000
OPEN = 100
DECIDED_OPEN = 50  # open group tasks the approver has signed already: not in the inbox
OTHER_RUNS = 30_000
# The extracted text of each version the inbox lists (the others': none, the inbox reads none).
TEXT_KB = 20
BATCH = 5000
PAGE = 50
TARGET_P95_MS = 30.0
TARGET_RATIO = 2.0

BARE_FROM = """
    FROM lifecycle_approvaltask AS t
    JOIN lifecycle_routerun AS r ON r.id = t.run_id
    WHERE t.principal IN ({principals}) AND t.status = 'pending' AND r.status = 'running'
      AND NOT EXISTS (
        SELECT 1 FROM lifecycle_signoff AS s
        WHERE s.run_id = t.run_id AND s.step = t.step AND s.actor_id = %s
      )
"""
BARE_PAGE = """
    SELECT t.id, t.run_id, t.step, t.principal, t.status, t.created_at, t.due_at, t.closed_at,
           r.status, r.current_step, r.started_at,
           d.id, d.title, d.status, d.owner_id, d.created_at,
           rv.id, rv.name, rv.number, rv.steps,
           v.id, v.number, v.filename, v.sha256
    {where}
    ORDER BY t.created_at DESC, t.id DESC
    LIMIT {page}
"""


def _bare_sql(principal_count: int) -> tuple[str, str]:
    where = BARE_FROM.format(principals=", ".join(["%s"] * principal_count))
    joined = where.replace(
        "JOIN lifecycle_routerun AS r ON r.id = t.run_id",
        "JOIN lifecycle_routerun AS r ON r.id = t.run_id\n"
        "    JOIN repository_document AS d ON d.id = r.document_id\n"
        "    JOIN lifecycle_routeversion AS rv ON rv.id = r.route_version_id\n"
        "    JOIN repository_version AS v ON v.id = r.version_id",
    )
    return f"SELECT count(*) {where}", BARE_PAGE.format(where=joined, page=PAGE)


def generate(seed: int = 5) -> Any:
    """The approver, their tasks and everyone else's; returns the approver."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command

    from lifecycle.models import (
        ApprovalTask,
        Route,
        RouteRun,
        RouteVersion,
        RunStatus,
        SignOff,
        TaskStatus,
    )
    from repository.models import Document, Version

    call_command("flush", "--noinput", verbosity=0)
    rng = random.Random(seed)
    owner = User.objects.create_user("bench-owner")
    approver = User.objects.create_user("bench-approver")
    groups = Group.objects.bulk_create([Group(name=f"g{n:03d}") for n in range(GROUPS)])
    mine = rng.sample(groups, APPROVER_GROUPS)
    approver.groups.set(mine)
    others = [group for group in groups if group not in mine]
    my_principals = ["user:bench-approver", *(f"group:{group.name}" for group in mine)]

    route = Route.objects.create(owner=owner)
    steps = [{"name": "Review", "approvers": my_principals[:3], "mode": "any"}]
    version = RouteVersion.objects.create(
        route=route, number=1, name="Contracts", steps=steps, created_by=owner
    )
    route.current_version = version
    route.save(update_fields=["current_version"])

    start = datetime(2025, 1, 1, tzinfo=UTC)
    with progress(DOCUMENTS, f"documents ({DOCUMENTS:,})") as bar:
        for offset in range(0, DOCUMENTS, BATCH):
            size = min(BATCH, DOCUMENTS - offset)
            rows = [
                Document(
                    title=f"contract {offset + n}",
                    owner=owner,
                    metadata={},
                    created_at=start,
                    updated_at=start,
                )
                for n in range(size)
            ]
            Document.objects.bulk_create(rows, batch_size=BATCH)
            bar.update(size)

    # (principal, task status, run status, signed by the approver) of each run, one per document.
    kinds = (
        [("mine", TaskStatus.DONE, RunStatus.APPROVED, True)] * FINISHED
        + [("mine", TaskStatus.PENDING, RunStatus.RUNNING, False)] * OPEN
        + [("group", TaskStatus.PENDING, RunStatus.RUNNING, True)] * DECIDED_OPEN
        + [("other", TaskStatus.PENDING, RunStatus.RUNNING, False)] * (OTHER_RUNS // 3)
        + [("other", TaskStatus.DONE, RunStatus.APPROVED, False)] * (OTHER_RUNS - OTHER_RUNS // 3)
    )
    rng.shuffle(kinds)
    document_ids = list(Document.objects.values_list("pk", flat=True))
    chosen = rng.sample(document_ids, len(kinds))
    year = timedelta(days=365).total_seconds()
    words = [
        "contract",
        "supply",
        "delivery",
        "penalty",
        "clause",
        "party",
        "agreement",
        "term",
        "payment",
        "invoice",
    ]
    text = " ".join(rng.choice(words) for _ in range(TEXT_KB * 1024 // 7))[: TEXT_KB * 1024]
    with progress(len(kinds), f"runs and tasks ({len(kinds):,})", unit="run") as bar:
        for offset in range(0, len(kinds), BATCH):
            part = list(zip(kinds, chosen, strict=True))[offset : offset + BATCH]
            versions = Version.objects.bulk_create(
                [
                    Version(
                        document_id=document,
                        number=1,
                        filename="contract.txt",
                        size=100,
                        mime_type="text/plain",
                        sha256=f"{document:064x}",
                        created_by=owner,
                        text_status="done",
                        text=text if task_status == TaskStatus.PENDING and kind != "other" else "",
                    )
                    for (kind, task_status, _, _), document in part
                ]
            )
            moments = [start + timedelta(seconds=rng.uniform(0, year)) for _ in part]
            runs = RouteRun.objects.bulk_create(
                [
                    RouteRun(
                        document_id=document,
                        version=version_row,
                        route_version=version,
                        submitted_by=owner,
                        status=run_status,
                        finished_at=None if run_status == RunStatus.RUNNING else moment,
                    )
                    for ((_, _, run_status, _), document), version_row, moment in zip(
                        part, versions, moments, strict=True
                    )
                ]
            )

            def principal(kind: str) -> str:
                if kind == "mine":
                    return rng.choice(my_principals)
                if kind == "group":
                    return f"group:{rng.choice(mine).name}"
                return f"group:{rng.choice(others).name}"

            tasks = ApprovalTask.objects.bulk_create(
                [
                    ApprovalTask(
                        run=run,
                        step=0,
                        principal=principal(kind),
                        status=task_status,
                        created_at=moment,
                        due_at=moment + timedelta(days=3),
                        closed_at=None if task_status == TaskStatus.PENDING else moment,
                    )
                    for ((kind, task_status, _, _), _), run, moment in zip(
                        part, runs, moments, strict=True
                    )
                ]
            )
            SignOff.objects.bulk_create(
                [
                    SignOff(
                        run=run,
                        task=task,
                        step=0,
                        actor=approver,
                        actor_username=approver.username,
                        decision="approve",
                        sha256=f"{run.document_id:064x}",
                        decided_at=moment,
                        signature="0" * 64,
                    )
                    for ((_, _, _, signed), _), run, task, moment in zip(
                        part, runs, tasks, moments, strict=True
                    )
                    if signed
                ]
            )
            bar.update(len(part))
    return approver


def sides(approver_id: int) -> dict[str, Any]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from lifecycle.services.inbox import inbox
    from permissions.principals import principals_of

    approver = User.objects.get(pk=approver_id)
    principals = principals_of(approver)
    count_sql, page_sql = _bare_sql(len(principals))
    parameters: list[str | int] = [*principals, approver_id]
    client = Client(HTTP_HOST="127.0.0.1")  # a host the default KONTOR_ALLOWED_HOSTS admits
    client.force_login(approver)

    def ours(user: Any) -> tuple[int, list[int]]:
        found = inbox(actor=user)
        total = found.count()
        return total, [task.pk for task in found[:PAGE]]

    def bare(user: Any) -> tuple[int, list[int]]:
        with connection.cursor() as cursor:
            cursor.execute(count_sql, parameters)
            (total,) = cursor.fetchone()
            cursor.execute(page_sql, parameters)
            return total, [row[0] for row in cursor.fetchall()]

    def api(user: Any) -> tuple[int, list[int]]:
        response = client.get("/api/v1/approvals/inbox/", {"page_size": PAGE})
        assert response.status_code == 200, response.status_code
        body = response.json()
        return body["count"], [row["id"] for row in body["results"]]

    return {"ours": ours, "bare": bare, "api": api}


def cpu_per_request(timed: dict[str, Any], users: list[Any]) -> dict[str, tuple[float, float]]:
    """(this process, the database backend) CPU milliseconds per request of each side.

    Wall time on a shared machine depends on the neighbours; CPU time says what each side
    costs. The backend's is read from /proc, so only for a database on this machine.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid()" if connection.vendor == "postgresql" else "SELECT 0"
        )
        (backend,) = cursor.fetchone()
    spent = {}
    for name, side in timed.items():
        client, server = time.process_time(), cpu_seconds(backend) if backend else 0.0
        for user in users:
            side(user)
        client = (time.process_time() - client) * 1000 / len(users)
        server = ((cpu_seconds(backend) - server) * 1000 / len(users)) if backend else 0.0
        spent[name] = (client, server)
    return spent


def explain(approver_id: int) -> None:
    from django.contrib.auth.models import User
    from django.db import connection

    from lifecycle.services.inbox import inbox

    found = inbox(actor=User.objects.get(pk=approver_id))
    for title, query in (("count", found.values("pk")), ("page", found[:PAGE])):
        sql, parameters = query.query.sql_with_params()
        prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, parameters)
            print(f"\n{title}:")
            for row in cursor.fetchall():
                print("  " + " ".join(str(cell) for cell in row))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument(
        "--keep", action="store_true", help="reuse the data of an earlier run when present"
    )
    arguments = parser.parse_args()

    setup_django(database_url=arguments.database_url or None)
    from django.contrib.auth.models import User
    from django.db import connection

    approver = User.objects.filter(username="bench-approver").first() if arguments.keep else None
    if approver is None:
        approver = generate()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    timed = sides(approver.pk)
    # A fresh user object per request, loaded before the clock (a request's middleware does it).
    fresh = [User.objects.get(pk=approver.pk) for _ in range(arguments.requests + 3)]
    for user in fresh[:3]:  # warm every side: the first query plans, the caches
        for side in timed.values():
            side(user)
    times, answers = time_sides(timed, fresh[3:], desc="inbox requests")
    assert answers["ours"] == answers["bare"] == answers["api"], "the sides list different tasks"
    assert all(answer == answers["ours"][0] for answer in answers["ours"])
    total, page = answers["ours"][0]
    assert total == OPEN and len(page) == PAGE, (total, len(page))

    ours_p50, ours_p95 = p50_p95(times["ours"])
    bare_p50, bare_p95 = p50_p95(times["bare"])
    api_p50, api_p95 = p50_p95(times["api"])
    table = RatioTable(
        f"Inbox of an approver in {APPROVER_GROUPS} groups: {OPEN} open and {FINISHED:,} "
        f"finished tasks, {DOCUMENTS:,} documents ({connection.vendor}), first page of "
        f"{PAGE} and the count, ms"
    )
    table.row("p50", ours_p50, bare_p50)
    table.row("p95", ours_p95, bare_p95, f"<= {TARGET_P95_MS:.0f} ms", ours_p95 <= TARGET_P95_MS)
    ratio = ours_p95 / bare_p95
    table.row("p95 ratio", ours_p95, bare_p95, f"ratio <= {TARGET_RATIO}", ratio <= TARGET_RATIO)
    table.row("API request p50", api_p50, bare_p50)
    table.row("API request p95", api_p95, bare_p95)
    table.print()
    spent = cpu_per_request(timed, fresh[3:])
    cpu = RatioTable("CPU per request (this process + the database backend), ms")
    for part, index in (("client", 0), ("database", 1)):
        cpu.row(part, spent["ours"][index], spent["bare"][index])
    cpu.row("total", sum(spent["ours"]), sum(spent["bare"]))
    cpu.row("API request total", sum(spent["api"]), sum(spent["bare"]))
    cpu.print()
    print(
        "ours = lifecycle.services.inbox.inbox() (count + first page); bare = the same rows by "
        "hand-written SQL; API = GET /api/v1/approvals/inbox/ with its JSON"
    )
    if arguments.explain or not table.all_met:
        explain(approver.pk)


if __name__ == "__main__":
    main()
