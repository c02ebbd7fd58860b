"""On PostgreSQL, the folder-count triggers lock the counters they change in folder order before
changing them, so two statements moving documents in opposite directions wait for each other
instead of deadlocking. (0003 once installed the live definitions, so a database created since
they took the locks holds them already, or an earlier text of them; installing again is harmless.)

SQLite's row triggers are unchanged: its writers take the whole database in turn.
"""

from django.db import migrations

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
        PERFORM 1 FROM repository_foldercount
        WHERE folder_id IN (SELECT folder_id FROM (SELECT folder_id, count(*) AS n FROM new_rows WHERE NOT is_deleted AND folder_id IS NOT NULL GROUP BY folder_id) AS d)
        ORDER BY folder_id FOR UPDATE;
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents + d.n
        FROM (SELECT folder_id, count(*) AS n FROM new_rows WHERE NOT is_deleted AND folder_id IS NOT NULL GROUP BY folder_id) AS d WHERE c.folder_id = d.folder_id;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM 1 FROM repository_foldercount
        WHERE folder_id IN (SELECT folder_id FROM (SELECT folder_id, -count(*) AS n FROM old_rows WHERE NOT is_deleted AND folder_id IS NOT NULL GROUP BY folder_id) AS d)
        ORDER BY folder_id FOR UPDATE;
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents + d.n
        FROM (SELECT folder_id, -count(*) AS n FROM old_rows WHERE NOT is_deleted AND folder_id IS NOT NULL GROUP BY folder_id) AS d WHERE c.folder_id = d.folder_id;
    ELSE
        PERFORM 1 FROM repository_foldercount
        WHERE folder_id IN (SELECT folder_id FROM (SELECT folder_id, sum(n) AS n FROM ( SELECT folder_id, -1 AS n FROM old_rows WHERE NOT is_deleted AND folder_id IS NOT NULL UNION ALL SELECT folder_id, 1 AS n FROM new_rows WHERE NOT is_deleted AND folder_id IS NOT NULL) AS moves GROUP BY folder_id HAVING sum(n) <> 0) AS d)
        ORDER BY folder_id FOR UPDATE;
        UPDATE repository_foldercount AS c SET live_documents = c.live_documents + d.n
        FROM (SELECT folder_id, sum(n) AS n FROM ( SELECT folder_id, -1 AS n FROM old_rows WHERE NOT is_deleted AND folder_id IS NOT NULL UNION ALL SELECT folder_id, 1 AS n FROM new_rows WHERE NOT is_deleted AND folder_id IS NOT NULL) AS moves GROUP BY folder_id HAVING sum(n) <> 0) AS d WHERE c.folder_id = d.folder_id;
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

# What 0003 installed, for the way back: the same triggers, functions without the locks.
POSTGRESQL_WITHOUT_LOCKS = """
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
"""


def lock_in_folder_order(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRESQL)


def lock_as_before(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRESQL_WITHOUT_LOCKS)


class Migration(migrations.Migration):
    dependencies = [("repository", "0005_version_text_lz4")]

    operations = [migrations.RunPython(lock_in_folder_order, lock_as_before)]
