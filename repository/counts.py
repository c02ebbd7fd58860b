"""Per-folder counts of live documents, kept by the database itself.

`FolderCount` rows are written by triggers, so every path that adds, moves, trashes, restores
or deletes documents keeps them right: the services, bulk inserts, raw SQL and migrations
alike. PostgreSQL uses statement-level triggers over transition tables (a bulk insert adds up
its folders once); SQLite uses row triggers. The migrations carry their own copies of this SQL;
after every migration the triggers are installed again where they differ from it (SQLite drops
a table's triggers when a migration rebuilds it; `core.triggers`).
"""

# ruff: noqa: S608 (the trigger SQL is assembled from constants only)
from typing import Any

from django.db import connections

from core.triggers import Triggers

_LIVE = "NOT is_deleted AND folder_id IS NOT NULL"
# Per statement kind: the change of each folder's count, from the transition tables.
_CHANGES = {
    "INSERT": f"SELECT folder_id, count(*) AS n FROM new_rows WHERE {_LIVE} GROUP BY folder_id",
    "DELETE": f"SELECT folder_id, -count(*) AS n FROM old_rows WHERE {_LIVE} GROUP BY folder_id",
    "UPDATE": (
        "SELECT folder_id, sum(n) AS n FROM ("
        f" SELECT folder_id, -1 AS n FROM old_rows WHERE {_LIVE}"
        f" UNION ALL SELECT folder_id, 1 AS n FROM new_rows WHERE {_LIVE}"
        ") AS moves GROUP BY folder_id HAVING sum(n) <> 0"
    ),
}


def _apply(changes: str) -> str:
    """Lock the changed counters in folder order (so opposite moves cannot deadlock), then
    add the changes."""
    return f"""
        PERFORM 1 FROM repository_foldercount
        WHERE folder_id IN (SELECT folder_id FROM ({changes}) AS d)
        ORDER BY folder_id FOR UPDATE;
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents + d.n
        FROM ({changes}) AS d WHERE c.folder_id = d.folder_id;"""


POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION repository_folder_count_rows() RETURNS trigger AS $$
BEGIN
    INSERT INTO repository_foldercount (folder_id, live_documents)
    SELECT id, 0 FROM new_rows ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION repository_document_count_changes() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN{_apply(_CHANGES["INSERT"])}
    ELSIF TG_OP = 'DELETE' THEN{_apply(_CHANGES["DELETE"])}
    ELSE{_apply(_CHANGES["UPDATE"])}
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS repository_folder_count_rows ON repository_folder;
CREATE TRIGGER repository_folder_count_rows AFTER INSERT ON repository_folder
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repository_folder_count_rows();
DROP TRIGGER IF EXISTS repository_document_count_insert ON repository_document;
CREATE TRIGGER repository_document_count_insert AFTER INSERT ON repository_document
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repository_document_count_changes();
DROP TRIGGER IF EXISTS repository_document_count_update ON repository_document;
CREATE TRIGGER repository_document_count_update AFTER UPDATE ON repository_document
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repository_document_count_changes();
DROP TRIGGER IF EXISTS repository_document_count_delete ON repository_document;
CREATE TRIGGER repository_document_count_delete AFTER DELETE ON repository_document
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION repository_document_count_changes();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS repository_folder_count_rows ON repository_folder;
DROP TRIGGER IF EXISTS repository_document_count_insert ON repository_document;
DROP TRIGGER IF EXISTS repository_document_count_update ON repository_document;
DROP TRIGGER IF EXISTS repository_document_count_delete ON repository_document;
DROP FUNCTION IF EXISTS repository_folder_count_rows();
DROP FUNCTION IF EXISTS repository_document_count_changes();
"""

SQLITE = (
    """CREATE TRIGGER IF NOT EXISTS repository_folder_count_rows
    AFTER INSERT ON repository_folder
    BEGIN
        INSERT OR IGNORE INTO repository_foldercount (folder_id, live_documents)
        VALUES (NEW.id, 0);
    END""",
    """CREATE TRIGGER IF NOT EXISTS repository_document_count_insert
    AFTER INSERT ON repository_document
    WHEN NEW.is_deleted = 0 AND NEW.folder_id IS NOT NULL
    BEGIN
        UPDATE repository_foldercount SET live_documents = live_documents + 1
        WHERE folder_id = NEW.folder_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS repository_document_count_update
    AFTER UPDATE OF folder_id, is_deleted ON repository_document
    WHEN OLD.folder_id IS NOT NEW.folder_id OR OLD.is_deleted IS NOT NEW.is_deleted
    BEGIN
        UPDATE repository_foldercount SET live_documents = live_documents - 1
        WHERE OLD.is_deleted = 0 AND folder_id = OLD.folder_id;
        UPDATE repository_foldercount SET live_documents = live_documents + 1
        WHERE NEW.is_deleted = 0 AND folder_id = NEW.folder_id;
    END""",
    """CREATE TRIGGER IF NOT EXISTS repository_document_count_delete
    AFTER DELETE ON repository_document
    WHEN OLD.is_deleted = 0 AND OLD.folder_id IS NOT NULL
    BEGIN
        UPDATE repository_foldercount SET live_documents = live_documents - 1
        WHERE folder_id = OLD.folder_id;
    END""",
)

TRIGGERS = Triggers(
    installed_by=("repository", "0006_folder_count_locks"),
    postgresql=(POSTGRESQL,),
    postgresql_drop=(POSTGRESQL_DROP,),
    sqlite=SQLITE,
    sqlite_drop=tuple(
        f"DROP TRIGGER IF EXISTS repository_{name}"
        for name in (
            "folder_count_rows",
            "document_count_insert",
            "document_count_update",
            "document_count_delete",
        )
    ),
)

REBUILD = [
    "DELETE FROM repository_foldercount",
    """INSERT INTO repository_foldercount (folder_id, live_documents)
    SELECT f.id, (SELECT count(*) FROM repository_document AS d
                  WHERE d.folder_id = f.id AND d.is_deleted = %s)
    FROM repository_folder AS f""",
]


def rebuild(connection: Any) -> None:
    """Recount every folder from the documents (the migration's backfill; safe to rerun)."""
    with connection.cursor() as cursor:
        cursor.execute(REBUILD[0])
        cursor.execute(REBUILD[1], [False])


def installed(connection: Any) -> set[str]:
    """Names of the counting triggers present (for the health of the counts and the tests)."""
    pattern = "repository_%count%"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT DISTINCT tgname FROM pg_trigger WHERE tgname LIKE %s", [pattern])
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [pattern]
            )
        return {row[0] for row in cursor.fetchall()}


def reinstall_after_migrate(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """Put the triggers back after a migration (SQLite drops them when it rebuilds a table);
    when they were missing, disabled or changed, writes in between may have gone uncounted, so
    every folder is recounted."""
    if TRIGGERS.reinstall_after_migrate(sender, using=using, **kwargs):
        rebuild(connections[using])
