"""On PostgreSQL, extracted text is compressed with lz4 instead of pglz.

Extracted text is written once per version and read by the indexer; lz4 costs a fraction of
pglz's CPU on both sides, which shows in the ingest rate of larger documents.
"""

from django.db import DatabaseError, migrations, transaction


def use_lz4(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(
                "ALTER TABLE repository_version ALTER COLUMN text SET COMPRESSION lz4",
                params=None,
            )
    except DatabaseError:
        pass  # a server built without lz4 keeps its default compression


def use_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE repository_version ALTER COLUMN text SET COMPRESSION default",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("repository", "0004_owner_index")]

    operations = [migrations.RunPython(use_lz4, use_default)]
