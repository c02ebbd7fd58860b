"""Database triggers an app keeps, on PostgreSQL and SQLite, installed idempotently.

SQLite drops a table's triggers when a migration rebuilds the table, so after every `migrate`
the triggers whose installing migration has run are put back (`reinstall_after_migrate`,
connected to `post_migrate` by the app).
"""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Triggers:
    installed_by: tuple[str, str]  # (app label, migration) that first installs them
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

    def reinstall_after_migrate(self, sender: Any, using: str = "default", **kwargs: Any) -> None:
        from django.db import connections
        from django.db.migrations.recorder import MigrationRecorder

        connection = connections[using]
        if connection.vendor != "sqlite":
            return
        if self.installed_by in MigrationRecorder(connection).applied_migrations():
            self.install(connection)


def _is_postgresql(connection: Any) -> bool:
    return bool(connection.vendor == "postgresql")


def _run(connection: Any, statements: tuple[str, ...]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
