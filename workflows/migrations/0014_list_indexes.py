# Indexes of the staff lists and the running month (docs/performance.md, "Staff lists", "Current period"; ADR 0022).

import django.db.models.deletion
import django.db.models.functions.comparison
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('procedures', '0007_centres_and_boundless'),
        ('workflows', '0013_boundless_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='dossier',
            name='workflows_d_receivi_f8fc22_idx',
        ),
        migrations.AlterField(
            model_name='dossier',
            name='receiving_agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='received_dossiers', to='procedures.agency', verbose_name='nơi tiếp nhận'),
        ),
        migrations.AlterField(
            model_name='dossier',
            name='return_agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='returning_dossiers', to='procedures.agency', verbose_name='nơi trả kết quả'),
        ),
        migrations.AlterField(
            model_name='workitem',
            name='agency',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='work_items', to='procedures.agency', verbose_name='cơ quan xử lý'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['receiving_agency', 'status', 'due_at'], name='dossier_counter_status_due'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['receiving_agency', 'created_at', 'id'], name='dossier_receiving_list'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['return_agency', 'created_at', 'id'], name='dossier_return_list'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['return_agency', 'status', 'due_at'], name='dossier_return_status_due'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['created_at', 'id'], name='dossier_list'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(fields=['process'], include=('created_at', 'id'), name='dossier_process_list'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(condition=models.Q(('closed_at__isnull', True), ('resolved_at__isnull', True)), fields=['receiving_agency', 'original_due_at'], name='dossier_counter_open_due'),
        ),
        migrations.AddIndex(
            model_name='dossier',
            index=models.Index(django.db.models.functions.comparison.Coalesce('resolved_at', 'closed_at'), models.F('competent_unit'), name='dossier_ended_unit'),
        ),
        migrations.AddIndex(
            model_name='workitem',
            index=models.Index(fields=['agency', 'process'], name='workitem_agency_process'),
        ),
        migrations.AddIndex(
            model_name='workitem',
            index=models.Index(condition=models.Q(('status__in', ('NEW', 'ASSIGNED'))), fields=['agency', 'due_at', 'id'], name='workitem_open_agency_due'),
        ),
    ]
