"""OCR of scans: where a version's text came from, and files derived from versions."""

import django.db.models.deletion
from django.db import migrations, models


def mark_existing_text(apps, schema_editor):
    # Text read before OCR existed came from the files themselves.
    Version = apps.get_model("repository", "Version")
    Version.objects.filter(text_status="done").update(text_source="text")


class Migration(migrations.Migration):

    dependencies = [
        ('repository', '0008_near_duplicates'),
    ]

    operations = [
        migrations.AddField(
            model_name='version',
            name='ocr_attempts',
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name='version',
            name='text_source',
            field=models.CharField(blank=True, choices=[('text', 'Text layer'), ('ocr', 'OCR')], max_length=8),
        ),
        migrations.CreateModel(
            name='Rendition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('searchable_pdf', 'Searchable PDF'), ('office_pdf', 'Office file as PDF'), ('thumbnail', 'Thumbnail'), ('preview', 'Page preview')], max_length=16)),
                ('page', models.PositiveIntegerField(default=0)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('done', 'Done'), ('failed', 'Failed')], default='pending', max_length=8)),
                ('error', models.CharField(blank=True, max_length=500)),
                ('sha256', models.CharField(blank=True, db_index=True, max_length=64)),
                ('size', models.BigIntegerField(default=0)),
                ('mime_type', models.CharField(blank=True, max_length=64)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('version', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='renditions', to='repository.version')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('version', 'kind', 'page'), name='unique_rendition_per_page')],
            },
        ),
        migrations.RunPython(mark_existing_text, migrations.RunPython.noop),
    ]
