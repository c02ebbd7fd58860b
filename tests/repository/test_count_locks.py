"""On PostgreSQL, writers changing the counts of overlapping sets of folders at the same time
neither deadlock nor lose a count: the triggers lock the counters a statement changes in folder
order before changing them (`repository.counts`).

Each writer has its own connection and documents and works on two folder chains sharing a root;
every statement (a bulk insert, a move scattering documents over the folders, trashing and
restoring, a delete) changes several counters at once, in no particular order. At the end the
counters must equal a full recount.
"""

import random
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import Case, Count, Q, Value, When

from repository.models import Document, Folder, FolderCount

WRITERS = 6
ROUNDS = 40
BATCH = 8


def _folders(owner: User) -> list[int | None]:
    """root/a/b/c and root/d/e; None stands for no folder."""
    root = Folder.objects.create(name="root", owner=owner)
    a = Folder.objects.create(name="a", parent=root, owner=owner)
    b = Folder.objects.create(name="b", parent=a, owner=owner)
    c = Folder.objects.create(name="c", parent=b, owner=owner)
    d = Folder.objects.create(name="d", parent=root, owner=owner)
    e = Folder.objects.create(name="e", parent=d, owner=owner)
    return [folder.pk for folder in (root, a, b, c, d, e)] + [None]


class Writer:
    def __init__(self, seed: int, owner: User, folders: list[int | None]) -> None:
        self.random = random.Random(seed)
        self.owner = owner
        self.folders = folders
        self.documents: list[int] = []

    def create(self) -> None:
        created = Document.objects.bulk_create(
            Document(title="counted", owner=self.owner, folder_id=self.random.choice(self.folders))
            for _ in range(BATCH)
        )
        self.documents += [document.pk for document in created]

    def scatter(self) -> None:
        chosen = self._some()
        moves = [When(pk=pk, then=Value(self.random.choice(self.folders))) for pk in chosen]
        Document.objects.filter(pk__in=chosen).update(folder_id=Case(*moves))

    def trash_or_restore(self) -> None:
        flipped = Case(When(is_deleted=True, then=Value(False)), default=Value(True))
        Document.objects.filter(pk__in=self._some()).update(is_deleted=flipped)

    def delete(self) -> None:
        chosen = self._some()
        Document.objects.filter(pk__in=chosen).delete()
        self.documents = [pk for pk in self.documents if pk not in chosen]

    def _some(self) -> list[int]:
        return self.random.sample(self.documents, min(BATCH, len(self.documents)))

    def run(self, start: threading.Barrier, failures: list[str]) -> None:
        steps: list[Callable[[], None]] = [self.create, self.scatter, self.trash_or_restore]
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '30s'")  # a lost wake-up fails, not hangs
            with transaction.atomic():
                self.create()
            start.wait(timeout=60)
            for round_number in range(ROUNDS):
                step = self.delete if round_number % 10 == 9 else self.random.choice(steps)
                with transaction.atomic():  # one statement: its counters locked together
                    step()
        except Exception as error:
            failures.append(f"{error.__class__.__name__}: {error}")
        finally:
            connection.close()


def _counted() -> dict[int, int]:
    return dict(FolderCount.objects.values_list("folder_id", "live_documents"))


def _recounted() -> dict[int, int]:
    live = Count("documents", filter=Q(documents__is_deleted=False))
    return dict(Folder.objects.annotate(n=live).values_list("pk", "n"))


@pytest.mark.production_only
@pytest.mark.timeout(300)
def test_concurrent_writers_neither_deadlock_nor_miscount(transactional_db: Any) -> None:
    assert connection.vendor == "postgresql"
    owner = User.objects.create_user("writer", password="unused-pass-1")
    folders = _folders(owner)
    failures: list[str] = []
    start = threading.Barrier(WRITERS)
    writers = [Writer(seed, owner, folders) for seed in range(WRITERS)]
    threads = [threading.Thread(target=w.run, args=(start, failures)) for w in writers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not any(thread.is_alive() for thread in threads), "writers still waiting"
    assert failures == []
    assert _counted() == _recounted()
    assert Document.objects.count() > WRITERS * BATCH  # the writers did write
