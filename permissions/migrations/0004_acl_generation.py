"""The ACL generation token: triggers on the entries, the ACLs and the folder closure give it a
new value in the same transaction as every write to them.

The SQL is the one this migration was written with; later migrations extend and change it
(`permissions.generation` holds the current definitions).
"""

from django.db import migrations, models

TABLES = (
    "permissions_accesscontrolentry",
    "permissions_accesscontrollist",
    "permissions_folderancestor",
)
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

POSTGRESQL_DROP = (
    *(f"DROP TRIGGER IF EXISTS {table}_acl_changed ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS permissions_acl_changed()",
    "DROP SEQUENCE IF EXISTS permissions_acl_token",
)

SQLITE_DROP = tuple(
    f"DROP TRIGGER IF EXISTS {table}_acl_changed_{event}" for table in TABLES for event in EVENTS
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
        ('permissions', '0003_build_folder_closure'),
    ]

    operations = [
        migrations.CreateModel(
            name='AclGeneration',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token', models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install_triggers, drop_triggers),
    ]
