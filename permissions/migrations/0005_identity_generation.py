"""The generation token also follows users, groups, memberships and roles (cached principals)."""

from django.db import migrations

from permissions import generation


def install_triggers(apps, schema_editor):
    generation.TRIGGERS.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("permissions", "0004_acl_generation"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(install_triggers, migrations.RunPython.noop)]
