"""The search outbox and legal holds join the repository: the rows are written by the
repository's transactions and hold its records. Only Django's state moves; the tables keep
their names (`search_indexoutbox`, `audit_legalhold`) and their rows."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('repository', '0006_folder_count_locks'),
        ('search', '0003_requeue_for_access_terms'),
        ('audit', '0004_auditevent_hash_scheme'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='IndexOutbox',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('document_id', models.BigIntegerField(db_index=True)),
                        ('queued_at', models.DateTimeField(auto_now_add=True)),
                        ('attempts', models.PositiveIntegerField(default=0)),
                        ('next_attempt_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                        ('last_error', models.CharField(blank=True, max_length=500)),
                        ('set_aside_at', models.DateTimeField(blank=True, db_index=True, null=True)),
                    ],
                    options={
                        'db_table': 'search_indexoutbox',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='LegalHold',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_type', models.CharField(choices=[('document', 'Document'), ('folder', 'Folder')], max_length=16)),
                        ('object_id', models.BigIntegerField()),
                        ('reason', models.TextField()),
                        ('placed_at', models.DateTimeField(auto_now_add=True)),
                        ('lifted_at', models.DateTimeField(blank=True, null=True)),
                        ('lifted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('placed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'audit_legalhold',
                        'ordering': ['-placed_at', '-id'],
                        'indexes': [models.Index(fields=['object_type', 'object_id', 'lifted_at'], name='audit_legal_object__29f8fd_idx')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
