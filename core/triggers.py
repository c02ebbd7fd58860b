"""Database triggers an app keeps, on PostgreSQL and SQLite, installed idempotently.

A `Triggers` holds the current definitions; the migrations carry their own copies of the SQL
they were written with, and the latest one to change a set (`installed_by`) installs exactly
these. `differences()` compares what the database holds with the definitions (the system check
in `core.trigger_check` reports them). After every `migrate` the sets whose migration has
run are put back when they differ (`reinstall_after_migrate`, connected to `post_migrate` by the
app): SQLite drops a table's triggers when a migration rebuilds the table, and a trigger dropped
or changed by hand comes back.
"""

from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from core import trigger_catalog


@dataclass(frozen=True)
class Triggers:
    installed_by: tuple[str, str]  # (app label, migration) that installs these definitions
    postgresql: tuple[str, ...]
    postgresql_drop: tuple[str, ...]
    sqlite: tuple[str, ...]
    sqlite_drop: tuple[str, ...]

    def install(self, connection: Any) -> None:
        """Create (or replace) the triggers on this connection's database."""
        if _is_postgresql(connection):
            _run(connection, self.postgresql)  # its statements replace what exists
        else:
            _run(connection, (*self.sqlite_drop, *self.sqlite))

    def uninstall(self, connection: Any) -> None:
        _run(connection, self.postgresql_drop if _is_postgresql(connection) else self.sqlite_drop)

    def is_due(self, connection: Any) -> bool:
        """Whether the migration installing these definitions has run on this database (False
        before the first migration too)."""
        return self.installed_by in MigrationRecorder(connection).applied_migrations()

    def differences(self, connection: Any) -> list[str]:
        """One sentence per trigger or trigger function the database lacks or holds otherwise
        than defined here; empty when they match."""
        if _is_postgresql(connection):
            return trigger_catalog.postgresql_differences(connection, self.postgresql)
        return trigger_catalog.sqlite_differences(connection, self.sqlite)

    def reinstall_after_migrate(self, sender: Any, using: str = "default", **kwargs: Any) -> bool:
        """Install the triggers again where they differ; whether they did."""
        connection = connections[using]
        if not self.is_due(connection):
            return False
        differed = bool(self.differences(connection))
        # SQLite's statements are always run: they also put back the rows they create, which a
        # flush deletes (`post_migrate` follows a flush too).
        if differed or connection.vendor == "sqlite":
            self.install(connection)
        return differed


def _is_postgresql(connection: Any) -> bool:
    return bool(connection.vendor == "postgresql")


def _run(connection: Any, statements: tuple[str, ...]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
