"""What the database's catalog says of its triggers, against what their definitions say.

PostgreSQL keeps a trigger as catalog fields (table, timing, events, transition tables, level,
function) and a function's body as written; each definition's `CREATE TRIGGER` is read into
the same fields and its `CREATE FUNCTION` body compared as text. SQLite keeps each trigger's
`CREATE TRIGGER` text as written (without `IF NOT EXISTS`), compared with whitespace evened out.
A definition this module cannot read raises `ValueError`: it would otherwise go unchecked.
"""

import re
from functools import cache
from typing import Any, NamedTuple

_CREATE_TRIGGER = re.compile(r"\bCREATE\s+TRIGGER\b", re.IGNORECASE)
_POSTGRESQL_TRIGGER = re.compile(
    r"CREATE TRIGGER (?P<name>\w+) (?P<timing>BEFORE|AFTER|INSTEAD OF) (?P<events>.+?)"
    r" ON (?P<table>\w+) (?:REFERENCING (?P<referencing>.+?) )?FOR EACH (?P<level>ROW|STATEMENT)"
    r" EXECUTE (?:FUNCTION|PROCEDURE) (?P<function>\w+)\(\)"
)
_REFERENCING = re.compile(r"(OLD|NEW) TABLE AS (\w+)")
_CREATE_FUNCTION = re.compile(r"\bCREATE\s+(?:OR\s+REPLACE\s+)?FUNCTION\b", re.IGNORECASE)
_POSTGRESQL_FUNCTION = re.compile(
    r"CREATE OR REPLACE FUNCTION (?P<name>\w+)\(\) RETURNS trigger AS \$\$(?P<body>.*?)\$\$",
    re.DOTALL,
)
_SQLITE_TRIGGER = re.compile(
    r"CREATE TRIGGER (?:IF NOT EXISTS )?(?P<name>\w+) .*? ON (?P<table>\w+) ", re.DOTALL
)

# pg_trigger.tgtype bits
_ROW, _BEFORE, _INSERT, _DELETE, _UPDATE, _TRUNCATE, _INSTEAD = 1, 2, 4, 8, 16, 32, 64


class PostgresqlTrigger(NamedTuple):
    table: str
    timing: str
    events: frozenset[str]  # "INSERT", "UPDATE", "UPDATE OF a, b" (sorted), "DELETE", ...
    old_table: str | None
    new_table: str | None
    level: str
    function: str

    def describe(self) -> str:
        transition = ", ".join(
            f"{kind} TABLE AS {name}"
            for kind, name in (("OLD", self.old_table), ("NEW", self.new_table))
            if name
        )
        return (
            f"{self.timing} {' OR '.join(sorted(self.events))} ON {self.table}"
            f"{f' REFERENCING {transition}' if transition else ''} FOR EACH {self.level}"
            f" EXECUTE FUNCTION {self.function}()"
        )


def _even(text: str) -> str:
    return " ".join(text.split())


def _events(text: str) -> frozenset[str]:
    events = set()
    for event in re.split(r"\s+OR\s+", text.strip()):
        kind, _, columns = event.partition(" OF ")
        names = sorted(column.strip() for column in columns.split(",") if column.strip())
        events.add(f"{kind} OF {', '.join(names)}" if names else kind)
    return frozenset(events)


@cache
def postgresql_definitions(
    statements: tuple[str, ...],
) -> tuple[dict[str, PostgresqlTrigger], dict[str, str]]:
    """The triggers (by name) and the trigger functions' bodies (by name) `statements` create."""
    triggers: dict[str, PostgresqlTrigger] = {}
    functions: dict[str, str] = {}
    for statement in statements:
        text = _even(statement)
        found = list(_POSTGRESQL_TRIGGER.finditer(text))
        if len(found) != len(_CREATE_TRIGGER.findall(text)):
            raise ValueError(f"a CREATE TRIGGER this check cannot read: {statement[:200]}")
        for match in found:
            transition = dict(_REFERENCING.findall(match["referencing"] or ""))
            triggers[match["name"]] = PostgresqlTrigger(
                table=match["table"],
                timing=match["timing"],
                events=_events(match["events"]),
                old_table=transition.get("OLD"),
                new_table=transition.get("NEW"),
                level=match["level"],
                function=match["function"],
            )
        bodies = list(_POSTGRESQL_FUNCTION.finditer(statement))
        if len(bodies) != len(_CREATE_FUNCTION.findall(statement)):
            raise ValueError(f"a CREATE FUNCTION this check cannot read: {statement[:200]}")
        functions.update((match["name"], match["body"]) for match in bodies)
    return triggers, functions


@cache
def sqlite_definitions(statements: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """(table, evened text as SQLite stores it) by trigger name, of what `statements` create."""
    triggers = {}
    for statement in statements:
        if not _CREATE_TRIGGER.search(statement):
            continue
        text = _even(statement)
        match = _SQLITE_TRIGGER.match(text)
        if match is None:
            raise ValueError(f"a CREATE TRIGGER this check cannot read: {statement[:200]}")
        stored = text.replace("CREATE TRIGGER IF NOT EXISTS ", "CREATE TRIGGER ", 1)
        triggers[match["name"]] = (match["table"], stored)
    return triggers


def _installed_postgresql_triggers(
    connection: Any, names: list[str]
) -> dict[str, tuple[PostgresqlTrigger, str]]:
    """The named triggers on visible tables: their fields and `tgenabled`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.tgname, c.relname, t.tgtype, t.tgenabled, t.tgoldtable, t.tgnewtable,
                   p.proname,
                   ARRAY(SELECT a.attname FROM pg_attribute AS a
                         WHERE a.attrelid = t.tgrelid AND a.attnum = ANY(t.tgattr::int2[]))
            FROM pg_trigger AS t
            JOIN pg_class AS c ON c.oid = t.tgrelid
            JOIN pg_proc AS p ON p.oid = t.tgfoid
            WHERE NOT t.tgisinternal AND t.tgname = ANY(%s) AND pg_table_is_visible(c.oid)
            """,
            [names],
        )
        rows = cursor.fetchall()
    installed = {}
    for name, table, kind, enabled, old_table, new_table, function, columns in rows:
        events = {
            event
            for bit, event in ((_INSERT, "INSERT"), (_DELETE, "DELETE"), (_TRUNCATE, "TRUNCATE"))
            if kind & bit
        }
        if kind & _UPDATE:
            events.add(f"UPDATE OF {', '.join(sorted(columns))}" if columns else "UPDATE")
        timing = "INSTEAD OF" if kind & _INSTEAD else "BEFORE" if kind & _BEFORE else "AFTER"
        trigger = PostgresqlTrigger(
            table=table,
            timing=timing,
            events=frozenset(events),
            old_table=old_table,
            new_table=new_table,
            level="ROW" if kind & _ROW else "STATEMENT",
            function=function,
        )
        installed[name] = (trigger, enabled)
    return installed


def _installed_postgresql_functions(connection: Any, names: list[str]) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_proc AS p WHERE p.proname = ANY(%s)"
            " AND p.pronargs = 0 AND pg_function_is_visible(p.oid)",
            [names],
        )
        return dict(cursor.fetchall())


def postgresql_differences(connection: Any, statements: tuple[str, ...]) -> list[str]:
    triggers, functions = postgresql_definitions(statements)
    problems = []
    installed_functions = _installed_postgresql_functions(connection, list(functions))
    for name, body in functions.items():
        if name not in installed_functions:
            problems.append(f"trigger function {name}() is missing")
        elif installed_functions[name] != body:
            problems.append(f"trigger function {name}() differs from its definition")
    installed = _installed_postgresql_triggers(connection, list(triggers))
    for name, defined in triggers.items():
        if name not in installed:
            problems.append(f"trigger {name} on {defined.table} is missing")
            continue
        found, enabled = installed[name]
        if found != defined:
            problems.append(
                f"trigger {name} on {defined.table} differs from its definition:"
                f" installed {found.describe()}; defined {defined.describe()}"
            )
        elif enabled not in ("O", "A"):  # "D": disabled, "R": fires only on replicas
            problems.append(f"trigger {name} on {defined.table} is disabled")
    return problems


def sqlite_differences(connection: Any, statements: tuple[str, ...]) -> list[str]:
    defined = sqlite_definitions(statements)
    if not defined:
        return []
    marks = ", ".join(["%s"] * len(defined))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master"  # noqa: S608 (placeholders only)
            f" WHERE type = 'trigger' AND name IN ({marks})",
            list(defined),
        )
        installed = {name: _even(sql) for name, sql in cursor.fetchall()}
    problems = []
    for name, (table, text) in defined.items():
        if name not in installed:
            problems.append(f"trigger {name} on {table} is missing")
        elif installed[name] != text:
            problems.append(f"trigger {name} on {table} differs from its definition")
    return problems
