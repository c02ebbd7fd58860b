"""A login (which writes `last_login`) no longer renews the generation token."""

from django.db import migrations

from permissions import generation


def install_triggers(apps, schema_editor):
    generation.TRIGGERS.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0006_token_generation")]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
