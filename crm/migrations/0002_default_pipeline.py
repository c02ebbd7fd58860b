"""The default pipeline, which takes deals that name none. Its own copy of the stages: a
migration must not import live code."""

from django.db import migrations

STAGES = (("new", "New"), ("in_progress", "In progress"), ("won", "Won"), ("lost", "Lost"))


def create_default(apps, schema_editor):
    Pipeline = apps.get_model("crm", "Pipeline")
    Stage = apps.get_model("crm", "Stage")
    if Pipeline.objects.filter(is_default=True).exists():
        return
    pipeline = Pipeline.objects.create(name="Sales", is_default=True)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, code=code, name=name, position=position)
        for position, (code, name) in enumerate(STAGES)
    )


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_records")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
