"""The generation token also follows API tokens (the token authentication caches their users).

The SQL is the one this migration was written with (`permissions.generation` holds the
current definitions).
"""

from django.db import migrations

TABLE = "authtoken_token"
EVENTS = ("insert", "update", "delete")

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
    f"DROP TRIGGER IF EXISTS {TABLE}_acl_changed ON {TABLE};"
    f" CREATE TRIGGER {TABLE}_acl_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
    f" ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION permissions_acl_changed();",
)

SQLITE = tuple(
    f"CREATE TRIGGER IF NOT EXISTS {TABLE}_acl_changed_{event}"
    f" AFTER {event.upper()} ON {TABLE} BEGIN"
    " INSERT OR REPLACE INTO permissions_aclgeneration (id, token)"
    " VALUES (1, random()); END"
    for event in EVENTS
)

POSTGRESQL_DROP = (f"DROP TRIGGER IF EXISTS {TABLE}_acl_changed ON {TABLE}",)
SQLITE_DROP = tuple(f"DROP TRIGGER IF EXISTS {TABLE}_acl_changed_{event}" for event in EVENTS)


def install_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        for statement in POSTGRESQL if postgresql else SQLITE:
            cursor.execute(statement)


def uninstall_triggers(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    with schema_editor.connection.cursor() as cursor:
        for statement in POSTGRESQL_DROP if postgresql else SQLITE_DROP:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("permissions", "0005_identity_generation"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(install_triggers, uninstall_triggers)]
