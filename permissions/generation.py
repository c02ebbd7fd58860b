"""The ACL generation token, and a cache of grants and principals keyed by it.

Triggers on the entries, the ACLs, the folder closure, users, groups, roles and API tokens give
`AclGeneration` a new token in the same transaction as every write to them: a sequence value
on PostgreSQL, a random 64-bit number on SQLite, so a rolled-back transaction's token never
comes back. A reader reads the token first, then looks up (token, key); a miss computes the
answer and keeps it. The cache lives in the process; another process or a write just means a
new token.
"""

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar

from django.db import connection

from core.triggers import Triggers

POSTGRESQL = """
CREATE SEQUENCE IF NOT EXISTS permissions_acl_token;
CREATE OR REPLACE FUNCTION permissions_acl_changed() RETURNS trigger AS $$
BEGIN
    INSERT INTO permissions_aclgeneration (id, token) VALUES (1, nextval('permissions_acl_token'))
    ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
INSERT INTO permissions_aclgeneration (id, token) VALUES (1, nextval('permissions_acl_token'))
ON CONFLICT (id) DO NOTHING;
"""

# What grants depend on (entries, ACLs, the folder closure) and what principals depend on
# (users, their groups and roles).
TABLES = (
    "permissions_accesscontrolentry",
    "permissions_accesscontrollist",
    "permissions_folderancestor",
    "permissions_roleassignment",
    "auth_user",
    "auth_user_groups",
    "auth_group",
)


# Updates of these columns only: a login writes `last_login` and changes nothing cached, so it
# must not empty every cache (nor, on PostgreSQL, wait for the token row's lock).
UPDATED_COLUMNS = {
    "auth_user": (
        "password",
        "is_superuser",
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
    )
}


def _update(table: str) -> str:
    columns = UPDATED_COLUMNS.get(table)
    return f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"


def _postgresql_triggers(tables: tuple[str, ...]) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_acl_changed ON {table};"
        f" CREATE TRIGGER {table}_acl_changed AFTER INSERT OR {_update(table)} OR DELETE"
        f" OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION permissions_acl_changed();"
        for table in tables
    ]


def _sqlite_trigger(table: str, event: str) -> str:
    when = _update(table) if event == "UPDATE" else event
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_acl_changed_{event.lower()}"  # noqa: S608 (constant names)
        f" AFTER {when} ON {table} BEGIN"
        " INSERT OR REPLACE INTO permissions_aclgeneration (id, token)"
        " VALUES (1, random()); END"
    )


EVENTS = ("INSERT", "UPDATE", "DELETE")


def _renewing(tables: tuple[str, ...], installed_by: str, *, owner: bool) -> Triggers:
    """Triggers renewing the token on writes to `tables`; the `owner` set also creates (and
    drops) the token's row, sequence and function, which every set uses."""
    return Triggers(
        installed_by=("permissions", installed_by),
        postgresql=(POSTGRESQL, *_postgresql_triggers(tables)),
        postgresql_drop=(
            *(f"DROP TRIGGER IF EXISTS {table}_acl_changed ON {table}" for table in tables),
            *(
                (
                    "DROP FUNCTION IF EXISTS permissions_acl_changed()",
                    "DROP SEQUENCE IF EXISTS permissions_acl_token",
                )
                if owner
                else ()
            ),
        ),
        sqlite=(
            *(_sqlite_trigger(table, event) for table in tables for event in EVENTS),
            "INSERT OR IGNORE INTO permissions_aclgeneration (id, token) VALUES (1, random())",
        ),
        sqlite_drop=tuple(
            f"DROP TRIGGER IF EXISTS {table}_acl_changed_{event.lower()}"
            for table in tables
            for event in EVENTS
        ),
    )


TRIGGERS = _renewing(TABLES, "0007_login_keeps_generation", owner=True)
# API tokens (`permissions.authentication` caches who a token stands for): installed by a later
# migration, which runs after the token table exists.
TOKEN_TRIGGERS = _renewing(("authtoken_token",), "0006_token_generation", owner=False)


def current_token() -> int | None:
    """The token now (None when no row exists yet: then nothing is cached)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM permissions_aclgeneration WHERE id = 1")
        row = cursor.fetchone()
    return None if row is None else int(row[0])


T = TypeVar("T")
CACHE_SIZE = 512
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = Lock()


def cached(key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    """`compute()` once per (token, *key); never cached while the token is unknown, nor when
    the answer is None."""
    token = current_token()
    if token is None:
        return compute()
    full_key = (connection.alias, connection.settings_dict.get("NAME"), token, *key)
    with _lock:
        if full_key in _cache:
            _cache.move_to_end(full_key)
            return _cache[full_key]  # type: ignore[no-any-return]
    value = compute()
    if value is None:
        return value  # "nothing there" is not kept: unknown keys must not crowd out answers
    with _lock:
        _cache[full_key] = value
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return value
