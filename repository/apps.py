from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_count_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table: put them back."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from repository import counts

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("repository", "0003_folder_counts") in applied:
        counts.install(connection)


class RepositoryConfig(AppConfig):
    name = "repository"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_count_triggers, sender=self)
