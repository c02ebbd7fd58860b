"""What the benchmarks share: subprocesses, CPU and RSS readings, Django set-up, progress bars,
timing the two sides of a comparison, percentiles, the ratio table, and the generated data
(text corpora, a folder tree with group grants and denies).

Generic on purpose: nothing here knows what a benchmark measures. Django, tqdm and Faker are
imported inside the functions that use them, so the process helpers work before Django is set up.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"

_started: list[subprocess.Popen[bytes]] = []


def require_env(names: Iterable[str], hint: str) -> None:
    """Exit with a clear message when a variable the benchmark needs is unset."""
    missing = [name for name in names if not os.environ.get(name)]
    if missing:
        sys.exit(f"{Path(sys.argv[0]).name}: {', '.join(missing)} not set. {hint}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_process(
    args: Sequence[str], *, env: Mapping[str, str], log: Path, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """Start a subprocess in its own process group, output to `log`; stopped at exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            list(args),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _started.append(process)
    return process


def stop_process(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM the process group, then SIGKILL it if it lingers."""
    if process.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout)
                break
            except subprocess.TimeoutExpired:
                continue
    else:
        # The leader is gone; its group may not be (orphaned workers).
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if process in _started:
        _started.remove(process)


def stop_all() -> None:
    for process in reversed(list(_started)):
        stop_process(process)


atexit.register(stop_all)


def wait_http(url: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Poll `url` until it answers 2xx; fail early if `process` exits."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if 200 <= response.status < 300:
                    return
        except (urllib.error.URLError, OSError) as error:
            last = str(error)
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s ({last})")


# --------------------------------------------------------------------------- memory
def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (Linux /proc)."""
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def rss_bytes(pid: int) -> int:
    """Resident set size of one process; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def tree_rss_bytes(pid: int) -> int:
    return sum(rss_bytes(p) for p in process_tree(pid))


class RssSampler:
    """Samples the RSS of a process tree every `interval` s in a thread; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.baseline = tree_rss_bytes(pid)
        self.peak = self.baseline
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self.samples += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self.peak - self.baseline


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """CPU seconds of every live process in the trees under `pids`, by pid."""
    return {p: cpu_seconds(p) for pid in pids for p in process_tree(pid)}


def cpu_used(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds spent between two `tree_cpu_seconds` readings (processes born since count)."""
    return sum(after[p] - before.get(p, 0.0) for p in after)


def pids_listening_on(port: int) -> list[int]:
    """Processes holding a socket that listens on TCP `port` (any address; Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{fields[9]}]")
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if any(os.readlink(fd) in inodes for fd in (proc / "fd").iterdir()):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def wait_quiet(
    pids: Iterable[int],
    *,
    cores: float = 0.1,
    window: float = 1.0,
    timeout: float = 120.0,
) -> float:
    """Wait until the process trees under `pids` together use under `cores` CPUs over `window`
    seconds: work one side of a comparison left running in the background (an indexer, a
    database writing back) must not share the CPU with the other side's timing.

    Returns the seconds waited; prints a warning and returns after `timeout` otherwise.
    """
    roots = list(pids)
    started = time.monotonic()
    while True:
        before = tree_cpu_seconds(roots)
        time.sleep(window)
        busy = cpu_used(before, tree_cpu_seconds(roots)) / window
        waited = time.monotonic() - started
        if busy < cores:
            return waited
        if waited > timeout:
            print(
                f"warning: still {busy:.2f} CPUs busy after {waited:.0f} s; timing anyway",
                file=sys.stderr,
                flush=True,
            )
            return waited


# --------------------------------------------------------------------------- Django
EXTERNAL_SERVICES = ("KONTOR_SEARCH_URL", "CELERY_BROKER_URL", "KONTOR_S3_ENDPOINT_URL")


def setup_django(*, data_dir: str = "", database_url: str | None = None) -> str:
    """Set Kontor up in this process, in embedded mode (in-process jobs, tantivy, folder blobs)
    on SQLite or on `database_url`, and migrate. Returns the data directory: `data_dir`, or a
    temporary one removed at exit."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if not data_dir:
        data_dir = tempfile.mkdtemp(prefix="kontor-bench-")
        atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    os.environ["KONTOR_DATA_DIR"] = data_dir
    for name in EXTERNAL_SERVICES:
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    return data_dir


# --------------------------------------------------------------------------- progress
def progress(total: int, desc: str, unit: str = "doc", **options: Any) -> Any:
    """A tqdm bar on stderr (the figures go to stdout)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit=unit, dynamic_ncols=True, **options)


def run_threads(items: Sequence[Any], concurrency: int, work: Callable[[Any], None]) -> None:
    """Run `work` over `items` from `concurrency` threads, with a progress bar; the first
    error stops the others and is raised."""
    lock = threading.Lock()
    iterator = iter(items)
    errors: list[BaseException] = []

    with progress(len(items), "sending", leave=False) as bar:

        def loop() -> None:
            while not errors:
                with lock:
                    item = next(iterator, None)
                if item is None:
                    return
                try:
                    work(item)
                except BaseException as error:
                    errors.append(error)
                    return
                bar.update(1)

        threads = [threading.Thread(target=loop) for _ in range(concurrency)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


# --------------------------------------------------------------------------- timing
def time_sides(
    sides: Mapping[str, Callable[[Any], Any]], items: Sequence[Any], desc: str = "timing"
) -> tuple[dict[str, list[float]], dict[str, list[Any]]]:
    """Run every side on every item; return the milliseconds and the answers of each side.

    The second run of the same work finds the caches warm, so the order rotates: with n sides,
    each side goes first for 1/n of the items. Answers are kept as returned, for the caller to
    check (after the clock) that the sides agree.
    """
    names = list(sides)
    times: dict[str, list[float]] = {name: [] for name in names}
    answers: dict[str, list[Any]] = {name: [] for name in names}
    with progress(len(items), desc, unit="item") as bar:
        for number, item in enumerate(items):
            shift = number % len(names)
            for name in names[shift:] + names[:shift]:
                run = sides[name]
                began = time.perf_counter()
                answer = run(item)
                times[name].append((time.perf_counter() - began) * 1000)
                answers[name].append(answer)
            bar.update(1)
    return times, answers


# --------------------------------------------------------------------------- figures
MB = 1024 * 1024


def percentile(values: Sequence[float], pct: float) -> float:
    """Linear-interpolated percentile (pct in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("percentile of an empty sequence")
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def p50_p95(values: Sequence[float]) -> tuple[float, float]:
    return percentile(values, 50), percentile(values, 95)


def fmt(value: Any, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "") -> None:
    """A plain fixed-width table; floats with one decimal, None as '-', bools as yes/NO."""
    cells = [[fmt(c) if not isinstance(c, str) else c for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    line = "  ".join("-" * w for w in widths)
    if title:
        print(f"\n{title}")
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print(line)
    for row in cells:
        print(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    sys.stdout.flush()


@dataclass
class RatioTable:
    """Figures of Kontor beside the bare engine doing the same work, with their ratio."""

    title: str
    rows: list[list[Any]] = field(default_factory=list)

    def row(
        self,
        figure: str,
        ours: float | None,
        bare: float | None,
        target: str = "",
        met: bool | None = None,
    ) -> None:
        ratio = f"{ours / bare:.2f}x" if ours is not None and bare else "-"
        self.rows.append([figure, ours, bare, ratio, target, met])

    @property
    def all_met(self) -> bool:
        return all(row[5] for row in self.rows if row[5] is not None)

    def print(self) -> None:
        print_table(["figure", "ours", "bare", "ratio", "target", "met?"], self.rows, self.title)


def write_json(path: str | Path, data: Any) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2, default=str) + "\n")


# --------------------------------------------------------------------------- generated data
LOCALES = ("en_US", "ru_RU", "de_DE", "fr_FR", "es_ES")


def text_pool(seed: int, per_locale: int = 400) -> dict[str, list[str]]:
    """Seeded Faker paragraphs per locale, and a quarter as many company / name / address lines."""
    from faker import Faker

    pool = {}
    for locale in LOCALES:
        fake = Faker(locale)
        fake.seed_instance(seed)
        pool[locale] = [fake.paragraph(nb_sentences=6) for _ in range(per_locale)]
        pool[locale] += [
            f"{fake.company()} {fake.name()} {fake.address()}" for _ in range(per_locale // 4)
        ]
    return pool


def text_of(rng: random.Random, paragraphs: Sequence[str], size: int, first: str) -> list[str]:
    """`first`, then paragraphs drawn from `paragraphs` until about `size` characters."""
    chosen = [first]
    total = len(first)
    while total < size:
        paragraph = rng.choice(paragraphs)
        chosen.append(paragraph)
        total += len(paragraph) + 1
    return chosen


@dataclass
class AclTree:
    owner: Any
    reader: Any
    groups: list[Any]
    leaves: list[int]  # ids of the leaf folders, where the documents go


def make_acl_tree(
    rng: random.Random,
    *,
    groups: int,
    reader_groups: int,
    deny_share: float = 0.1,
    members: int = 0,
    member_groups: int = 0,
) -> AclTree:
    """Users, groups and a folder tree (20 top folders x 10 x 10 = 2,220 folders) with grants.

    Every top folder allows `view` to 3 groups, `deny_share` of the middle folders deny one
    group, 5 % of the leaf folders break inheritance and allow 2 groups. The reader is in
    `reader_groups` groups; `members` more users are in `member_groups` groups each (so that a
    deny cuts into groups that are allowed above it). Folders are bulk-created, which skips the
    folder service: the closure table is built once at the end.
    """
    from django.contrib.auth.models import Group, User

    from permissions import tree
    from permissions.models import AccessControlEntry, AccessControlList
    from repository.models import Folder

    owner, _ = User.objects.get_or_create(username="bench-owner")
    reader, _ = User.objects.get_or_create(username="bench-reader")
    every_group = [Group.objects.get_or_create(name=f"g{n:03d}")[0] for n in range(groups)]
    reader.groups.set(rng.sample(every_group, reader_groups))
    for number in range(members):
        member, _ = User.objects.get_or_create(username=f"bench-member-{number}")
        member.groups.set(rng.sample(every_group, member_groups))

    def make_folders(names: list[tuple[str, int | None]]) -> list[Any]:
        rows = [Folder(name=name, parent_id=parent, owner=owner) for name, parent in names]
        return Folder.objects.bulk_create(rows, batch_size=5000)

    top = make_folders([(f"top{n}", None) for n in range(20)])
    middle = make_folders([(f"mid{n}", parent.pk) for parent in top for n in range(10)])
    leaves = make_folders([(f"leaf{n}", parent.pk) for parent in middle for n in range(10)])

    def view_entry(folder: Any, group: Any, effect: str = "allow") -> Any:
        return AccessControlEntry(
            folder=folder, principal=f"group:{group.name}", permission="view", effect=effect
        )

    entries = [view_entry(f, group) for f in top for group in rng.sample(every_group, 3)]
    denied = rng.sample(middle, round(len(middle) * deny_share))
    entries += [view_entry(f, rng.choice(every_group), "deny") for f in denied]
    walled = rng.sample(leaves, len(leaves) // 20)
    AccessControlList.objects.bulk_create(
        [AccessControlList(folder=f, inherit=False) for f in walled]
    )
    entries += [view_entry(f, group) for f in walled for group in rng.sample(every_group, 2)]
    AccessControlEntry.objects.bulk_create(entries, batch_size=5000)
    tree.rebuild()
    return AclTree(owner, reader, every_group, [folder.pk for folder in leaves])
