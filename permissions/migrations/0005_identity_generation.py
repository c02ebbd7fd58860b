"""The generation token also follows users, groups, memberships and roles (cached principals).

The SQL is the one this migration was written with: the triggers of 0004 again (unchanged)
and the same triggers on the four identity tables.
"""

from django.db import migrations

ACL_TABLES = (
    "permissions_accesscontrolentry",
    "permissions_accesscontrollist",
    "permissions_folderancestor",
)
IDENTITY_TABLES = (
    "permissions_roleassignment",
    "auth_user",
    "auth_user_groups",
    "auth_group",
)
TABLES = (*ACL_TABLES, *IDENTITY_TABLES)
EVENTS = ("insert", "update", "delete")

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
""" + "\n".join(
    f"DROP TRIGGER IF EXISTS {table}_acl_changed ON {table};"
    f" CREATE TRIGGER {table}_acl_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}"
    " FOR EACH STATEMENT EXECUTE FUNCTION permissions_acl_changed();"
    for table in TABLES
)

SQLITE = (
    *(
        f"CREATE TRIGGER IF NOT EXISTS {table}_acl_changed_{event}"
        f" AFTER {event.upper()} ON {table} BEGIN"
        " INSERT OR REPLACE INTO permissions_aclgeneration (id, token)"
        " VALUES (1, random()); END"
        for table in TABLES
        for event in EVENTS
    ),
    "INSERT OR IGNORE INTO permissions_aclgeneration (id, token) VALUES (1, random())",
)

# The way back removes what this migration added, so that 0004's own way back can drop the
# function the triggers use.
POSTGRESQL_DROP = tuple(
    f"DROP TRIGGER IF EXISTS {table}_acl_changed ON {table}" for table in IDENTITY_TABLES
)
SQLITE_DROP = tuple(
    f"DROP TRIGGER IF EXISTS {table}_acl_changed_{event}"
    for table in IDENTITY_TABLES
    for event in EVENTS
)


def install_triggers(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL)
        else:
            for statement in SQLITE:
                cursor.execute(statement)


def drop_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        for statement in POSTGRESQL_DROP if postgresql else SQLITE_DROP:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("permissions", "0004_acl_generation"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(install_triggers, drop_triggers)]
