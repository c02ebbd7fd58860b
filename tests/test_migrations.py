"""Migrations are frozen: each carries the SQL it was written with and imports no project code,
and a database migrated from zero holds exactly the triggers the code defines today.

The database is migrated by Django's executor, as `migrate` does but without the `post_migrate`
step that puts back triggers which differ: what it holds is the migrations' own work.
"""

import ast
from pathlib import Path
from typing import Any

import pytest
from django.db import connections
from django.db.migrations.executor import MigrationExecutor

from audit.triggers import APPEND_ONLY
from core import trigger_catalog
from core.triggers import Triggers
from permissions import generation
from repository import counts
from tests.scratch_database import scratch_database

ROOT = Path(__file__).resolve().parent.parent
TRIGGER_SETS = (counts.TRIGGERS, generation.TRIGGERS, generation.TOKEN_TRIGGERS, APPEND_ONLY)
# What the trigger migrations build on; migrating back to these removes every trigger.
BEFORE_TRIGGERS = [
    ("repository", "0002_document_visibility_index"),
    ("permissions", "0003_build_folder_closure"),
    ("audit", "0002_legalhold"),
]


def _imported_modules(path: Path) -> list[str]:
    modules = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            modules += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules.append("." * node.level + (node.module or ""))
    return modules


def test_migrations_import_nothing_but_django() -> None:
    """A migration that imported live code would install whatever that code says today."""
    migrations = sorted(ROOT.glob("*/migrations/0*.py"))
    assert len(migrations) > 15
    for path in migrations:
        for module in _imported_modules(path):
            assert module == "django" or module.startswith("django."), (
                f"{path.relative_to(ROOT)} imports {module}"
            )


def _trigger_names(connection: Any) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname FROM pg_trigger AS t JOIN pg_class AS c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND pg_table_is_visible(c.oid)"
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def _defined_names(vendor: str) -> set[str]:
    names: set[str] = set()
    for triggers in TRIGGER_SETS:
        if vendor == "postgresql":
            names |= set(trigger_catalog.postgresql_definitions(triggers.postgresql)[0])
        else:
            names |= set(trigger_catalog.sqlite_definitions(triggers.sqlite))
    return names


def _differences(connection: Any, sets: tuple[Triggers, ...] = TRIGGER_SETS) -> list[str]:
    return [problem for triggers in sets for problem in triggers.differences(connection)]


def _migrate(connection: Any, targets: list[tuple[str, str]] | None = None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())


@pytest.mark.timeout(300)
def test_a_database_migrated_from_zero_holds_the_defined_triggers(
    transactional_db: None, tmp_path: Path
) -> None:
    with scratch_database(tmp_path) as alias:
        connection = connections[alias]
        _migrate(connection)
        assert _differences(connection) == []
        assert _trigger_names(connection) == _defined_names(connection.vendor)
        assert all(triggers.is_due(connection) for triggers in TRIGGER_SETS)

        # The way back removes them all, and the way forward again installs the same.
        _migrate(connection, BEFORE_TRIGGERS)
        assert _trigger_names(connection) == set()
        _migrate(connection)
        assert _differences(connection) == []
        assert _trigger_names(connection) == _defined_names(connection.vendor)


@pytest.mark.timeout(300)
def test_each_trigger_migration_installs_its_own_sql(
    transactional_db: None, tmp_path: Path
) -> None:
    """Halfway, the database holds what those migrations defined, not today's definitions: a
    login still renewed the generation token before 0007, and on PostgreSQL the folder counts
    took their locks in folder order only from repository 0006 on."""
    with scratch_database(tmp_path) as alias:
        connection = connections[alias]
        _migrate(
            connection,
            [("permissions", "0006_token_generation"), ("repository", "0005_version_text_lz4")],
        )
        narrowed = [p for p in _differences(connection) if "auth_user_acl_changed" in p]
        assert len(narrowed) == 1, narrowed
        assert _differences(connection, (generation.TOKEN_TRIGGERS,)) == []
        count_changes = _differences(connection, (counts.TRIGGERS,))
        if connection.vendor == "postgresql":
            assert count_changes == [
                "trigger function repository_document_count_changes() differs from its definition"
            ]
        else:
            assert count_changes == []  # SQLite's counting triggers never changed
        _migrate(connection)
        assert _differences(connection) == []
