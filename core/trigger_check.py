"""The system check that the database holds the triggers its apps define (`Triggers`).

Registered by each app for its own sets, under the `database` tag: like Django's other database
checks it runs on `migrate` and `check --database default`, never on commands that name no
database (`runserver`, `makemigrations`). A set whose installing migration has not run yet (a
new database, or one an upgrade has not reached) is not checked: `migrate` installs it.
"""

from collections.abc import Iterable
from typing import Any

from django.core import checks
from django.db import DatabaseError, connections

from core.triggers import Triggers

# `migrate` runs the checks first and stops on an error, so it is told to skip them.
HINT = (
    "Run `manage.py migrate --skip-checks`: after migrating it installs again the triggers "
    "that differ from their definitions."
)


def problems(alias: str, sets: Iterable[Triggers]) -> list[checks.CheckMessage]:
    """The check's messages for one database."""
    connection = connections[alias]
    messages: list[checks.CheckMessage] = []
    try:
        for triggers in sets:
            if triggers.is_due(connection):
                messages += [
                    checks.Error(f"Database {alias!r}: {problem}.", hint=HINT, id="triggers.E001")
                    for problem in triggers.differences(connection)
                ]
    except DatabaseError as error:
        messages.append(
            checks.Warning(
                f"Database {alias!r}: its triggers could not be read ({error}).",
                id="triggers.W001",
            )
        )
    return messages


def register(app_label: str, *sets: Triggers) -> None:
    """Check `sets`, the triggers app `app_label` defines, on every database a command names."""

    def check_triggers(
        app_configs: Any = None, databases: Iterable[str] | None = None, **kwargs: Any
    ) -> list[checks.CheckMessage]:
        if app_configs is not None and app_label not in {app.label for app in app_configs}:
            return []
        return [message for alias in databases or () for message in problems(alias, sets)]

    checks.register(check_triggers, checks.Tags.database)
