"""An empty database of its own for a test, on the engine the suite runs on: a SQLite file, or a
new database on the PostgreSQL server, under an alias of its own; dropped afterwards.
"""

import copy
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.utils import load_backend


@contextmanager
def scratch_database(folder: Path) -> Iterator[str]:
    """`folder` holds the SQLite file (and nothing else should: it is the data folder)."""
    default = connections["default"]
    alias = f"scratch_{uuid.uuid4().hex[:12]}"
    settings_dict: dict[str, Any] = copy.deepcopy(default.settings_dict)
    postgresql = default.vendor == "postgresql"
    if postgresql:
        settings_dict["NAME"] = f"kontor_{alias}"
        with default.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {settings_dict['NAME']}")
    else:
        settings_dict["NAME"] = str(folder / "kontor.sqlite3")  # the name manage.py uses
    # Registered in this thread only, not in the settings: Django's test cases allow such
    # connections, made while a test runs, without listing them.
    connections[alias] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias)
    try:
        yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        if postgresql:
            with default.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {settings_dict['NAME']} WITH (FORCE)")


def environment_for(alias: str) -> dict[str, str]:
    """The environment under which `manage.py` uses database `alias` as its default."""
    settings_dict = connections[alias].settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if connections[alias].vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}"
            f"@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    else:
        env.pop("DATABASE_URL", None)
        env["KONTOR_DATA_DIR"] = str(Path(settings_dict["NAME"]).parent)
    return env
