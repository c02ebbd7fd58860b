"""Queue every live document for indexing: the index now stores, per principal, the level
that decides for it (`permissions.index_terms`), and searches no longer match the plain
principal terms stored before, so each document must be written again."""

from django.db import migrations

BATCH = 5000


def requeue(apps, schema_editor):
    Document = apps.get_model("repository", "Document")
    IndexOutbox = apps.get_model("search", "IndexOutbox")
    ids = Document.objects.filter(is_deleted=False).order_by("pk").values_list("pk", flat=True)
    batch = []
    for document_id in ids.iterator(chunk_size=BATCH):
        batch.append(IndexOutbox(document_id=document_id))
        if len(batch) == BATCH:
            IndexOutbox.objects.bulk_create(batch)
            batch = []
    IndexOutbox.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_outbox_set_aside"), ("repository", "0001_initial")]

    operations = [migrations.RunPython(requeue, migrations.RunPython.noop)]
