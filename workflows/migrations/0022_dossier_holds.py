# The agencies each dossier has passed through, backfilled from its work items (ADR 0044).

import django.db.models.deletion
from django.db import migrations, models


BACKFILL = """
INSERT INTO workflows_dossierhold (dossier_id, agency_id, created_at)
SELECT DISTINCT d.id, w.agency_id, d.created_at
  FROM workflows_workitem w JOIN workflows_dossier d ON d.process_id = w.process_id
 WHERE w.agency_id IS NOT NULL
"""


class Migration(migrations.Migration):

    dependencies = [
        ('procedures', '0008_step_durations'),
        ('workflows', '0021_move_petitions'),
    ]

    operations = [
        migrations.CreateModel(
            name='DossierHold',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(editable=False)),
                ('agency', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='procedures.agency')),
                ('dossier', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='holds', to='workflows.dossier')),
            ],
            options={
                'verbose_name': 'cơ quan đã xử lý hồ sơ',
                'verbose_name_plural': 'cơ quan đã xử lý hồ sơ',
                'indexes': [models.Index(fields=['agency', 'created_at', 'dossier'], name='hold_agency_list')],
                'constraints': [models.UniqueConstraint(fields=('dossier', 'agency'), name='hold_dossier_agency')],
            },
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
    ]
