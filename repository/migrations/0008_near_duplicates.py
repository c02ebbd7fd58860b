"""Near duplicates: the MinHash signature of each version's text and its LSH bands, indexed
by band_hash (the band's number is hashed in) so that a lookup reads only the rows sharing a band."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('repository', '0007_outbox_and_legal_holds'),
    ]

    operations = [
        migrations.CreateModel(
            name='TextSignature',
            fields=[
                ('version', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='text_signature', serialize=False, to='repository.version')),
                ('minhashes', models.BinaryField(null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='repository.document')),
            ],
        ),
        migrations.CreateModel(
            name='SignatureBand',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('band_no', models.PositiveSmallIntegerField()),
                ('band_hash', models.BigIntegerField()),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='repository.document')),
                ('signature', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='bands', to='repository.textsignature')),
            ],
            options={
                'indexes': [models.Index(fields=['band_hash'], name='signature_band_idx')],
            },
        ),
    ]
