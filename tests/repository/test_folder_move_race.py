"""Two folders moved into each other at the same moment: one move wins, the other is refused
as a cycle, and the tree stays a tree. On PostgreSQL (SQLite writers take turns anyway)."""

import threading
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection

from audit.record import RequestContext
from core.errors import Conflict
from permissions import tree
from repository.models import Folder
from repository.services.folders import update_folder

pytestmark = pytest.mark.production_only
ROUNDS = 10


def _move(
    owner: User, folder_id: int, parent_id: int, start: threading.Barrier, outcomes: list[str]
) -> None:
    try:
        folder = Folder.objects.get(pk=folder_id)
        parent = Folder.objects.get(pk=parent_id)
        start.wait(timeout=10)
        try:
            update_folder(
                context=RequestContext(user=owner), folder=folder, changes={"parent": parent}
            )
            outcomes.append("moved")
        except Conflict as refused:
            outcomes.append(refused.code)
    finally:
        connection.close()


def test_two_folders_moved_into_each_other_at_once_never_form_a_cycle(
    transactional_db: Any,
) -> None:
    owner = User.objects.create_superuser("root", "root@example.com", "root-pass-1")
    for round_number in range(ROUNDS):
        first = Folder.objects.create(name=f"a{round_number}", owner=owner)
        second = Folder.objects.create(name=f"b{round_number}", owner=owner)
        tree.folder_created(first)
        tree.folder_created(second)
        start = threading.Barrier(2)
        outcomes: list[str] = []
        threads = [
            threading.Thread(target=_move, args=(owner, first.pk, second.pk, start, outcomes)),
            threading.Thread(target=_move, args=(owner, second.pk, first.pk, start, outcomes)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert sorted(outcomes) == ["folder_cycle", "moved"], outcomes
        parents = dict(
            Folder.objects.filter(pk__in=[first.pk, second.pk]).values_list("pk", "parent_id")
        )
        assert not (parents[first.pk] == second.pk and parents[second.pk] == first.pk)
