from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _reinstall_generation_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table: put them back."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from permissions import generation

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("permissions", "0005_identity_generation") in applied:
        generation.install(connection)


class PermissionsConfig(AppConfig):
    name = "permissions"

    def ready(self) -> None:
        post_migrate.connect(_reinstall_generation_triggers, sender=self)
