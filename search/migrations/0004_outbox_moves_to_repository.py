"""The outbox model now belongs to the repository (its migration 0007); the table
`search_indexoutbox` and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0003_requeue_for_access_terms'),
        ('repository', '0007_outbox_and_legal_holds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='IndexOutbox')],
            database_operations=[],
        ),
    ]
