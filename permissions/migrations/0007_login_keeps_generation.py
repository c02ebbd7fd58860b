"""A login (which writes `last_login`) no longer renews the generation token: on `auth_user`,
only updates of the columns cached principals depend on do.

The SQL is the one this migration was written with: every generation trigger of 0005 again,
the one on `auth_user` narrowed (`permissions.generation` holds the current definitions).
"""

from django.db import migrations

TABLES = (
    "permissions_accesscontrolentry",
    "permissions_accesscontrollist",
    "permissions_folderancestor",
    "permissions_roleassignment",
    "auth_user",
    "auth_user_groups",
    "auth_group",
)
EVENTS = ("INSERT", "UPDATE", "DELETE")
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


def _update(table):
    columns = UPDATED_COLUMNS.get(table)
    return f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"


def _postgresql_trigger(table, update):
    return (
        f"DROP TRIGGER IF EXISTS {table}_acl_changed ON {table};"
        f" CREATE TRIGGER {table}_acl_changed AFTER INSERT OR {update} OR DELETE"
        f" OR TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION permissions_acl_changed();"
    )


def _sqlite_trigger(table, event, update):
    when = update if event == "UPDATE" else event
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_acl_changed_{event.lower()}"
        f" AFTER {when} ON {table} BEGIN"
        " INSERT OR REPLACE INTO permissions_aclgeneration (id, token)"
        " VALUES (1, random()); END"
    )


POSTGRESQL = (
    """
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
""",
    *(_postgresql_trigger(table, _update(table)) for table in TABLES),
)

# SQLite's triggers are dropped first: `CREATE TRIGGER IF NOT EXISTS` keeps an older text.
SQLITE = (
    *(
        f"DROP TRIGGER IF EXISTS {table}_acl_changed_{event.lower()}"
        for table in TABLES
        for event in EVENTS
    ),
    *(_sqlite_trigger(table, event, _update(table)) for table in TABLES for event in EVENTS),
    "INSERT OR IGNORE INTO permissions_aclgeneration (id, token) VALUES (1, random())",
)

# The way back: 0005's trigger on `auth_user`, renewed by any update.
POSTGRESQL_BACK = (_postgresql_trigger("auth_user", "UPDATE"),)
SQLITE_BACK = (
    "DROP TRIGGER IF EXISTS auth_user_acl_changed_update",
    _sqlite_trigger("auth_user", "UPDATE", "UPDATE"),
)


def _run(schema_editor, postgresql, sqlite):
    statements = postgresql if schema_editor.connection.vendor == "postgresql" else sqlite
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def install_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRESQL, SQLITE)


def restore_triggers(apps, schema_editor):
    _run(schema_editor, POSTGRESQL_BACK, SQLITE_BACK)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0006_token_generation")]

    operations = [migrations.RunPython(install_triggers, restore_triggers)]
