"""The generation token also follows API tokens (the token authentication caches their users)."""

from django.db import migrations

from permissions import generation


def install_triggers(apps, schema_editor):
    generation.TOKEN_TRIGGERS.install(schema_editor.connection)


def uninstall_triggers(apps, schema_editor):
    generation.TOKEN_TRIGGERS.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("permissions", "0005_identity_generation"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(install_triggers, uninstall_triggers)]
