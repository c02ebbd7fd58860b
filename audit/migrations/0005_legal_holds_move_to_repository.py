"""The legal hold model now belongs to the repository (its migration 0007); the table
`audit_legalhold` and its rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_auditevent_hash_scheme'),
        ('repository', '0007_outbox_and_legal_holds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='LegalHold')],
            database_operations=[],
        ),
    ]
