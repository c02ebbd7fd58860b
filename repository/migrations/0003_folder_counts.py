"""Per-folder counts of live documents, kept by triggers (`repository.counts` holds the current
definitions; this migration keeps the SQL it was written with, as later ones keep theirs).

PostgreSQL: statement-level triggers over transition tables. SQLite: row triggers. The counts
of the documents already stored are computed once at the end.
"""

import django.db.models.deletion
from django.db import migrations, models

POSTGRESQL = """
CREATE OR REPLACE FUNCTION repository_folder_count_rows() RETURNS trigger AS $$
BEGIN
    INSERT INTO repository_foldercount (folder_id, live_documents)
    SELECT id, 0 FROM new_rows ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION repository_document_count_changes() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents + d.n
        FROM (SELECT folder_id, count(*) AS n FROM new_rows
              WHERE NOT is_deleted AND folder_id IS NOT NULL GROUP BY folder_id) AS d
        WHERE c.folder_id = d.folder_id;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents - d.n
        FROM (SELECT folder_id, count(*) AS n FROM old_rows
              WHERE NOT is_deleted AND folder_id IS NOT NULL GROUP BY folder_id) AS d
        WHERE c.folder_id = d.folder_id;
    ELSE
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents + d.n
        FROM (SELECT folder_id, sum(n) AS n FROM (
                  SELECT folder_id, -1 AS n FROM old_rows
                  WHERE NOT is_deleted AND folder_id IS NOT NULL
                  UNION ALL
                  SELECT folder_id, 1 AS n FROM new_rows
                  WHERE NOT is_deleted AND folder_id IS NOT NULL
              ) AS changes GROUP BY folder_id HAVING sum(n) <> 0) AS d
        WHERE c.folder_id = d.folder_id;
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

SQLITE_DROP = tuple(
    f"DROP TRIGGER IF EXISTS repository_{name}"
    for name in (
        "folder_count_rows",
        "document_count_insert",
        "document_count_update",
        "document_count_delete",
    )
)

RECOUNT = """INSERT INTO repository_foldercount (folder_id, live_documents)
    SELECT f.id, (SELECT count(*) FROM repository_document AS d
                  WHERE d.folder_id = f.id AND d.is_deleted = %s)
    FROM repository_folder AS f"""


def install_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        else:
            for statement in SQLITE:
                cursor.execute(statement)
        cursor.execute("DELETE FROM repository_foldercount")
        cursor.execute(RECOUNT, [False])


def drop_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_DROP)
        else:
            for statement in SQLITE_DROP:
                cursor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('repository', '0002_document_visibility_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='FolderCount',
            fields=[
                ('folder', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='document_count', serialize=False, to='repository.folder')),
                ('live_documents', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
