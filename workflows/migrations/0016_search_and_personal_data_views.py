# The staff search box's folded names (Dossier.applicant_search) and the log of unmasked views
# of personal data (PersonalDataView).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

from workflows.folding import applicant_search


def fill_applicant_search(apps, schema_editor):
    Dossier = apps.get_model("workflows", "Dossier")
    rows = Dossier.objects.order_by("pk").values_list("pk", "applicant_name", "subject_name")
    batch = []
    for pk, name, subject in rows.iterator(chunk_size=2000):
        batch.append(Dossier(pk=pk, applicant_search=applicant_search(name, subject)))
        if len(batch) >= 2000:
            Dossier.objects.bulk_update(batch, ["applicant_search"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["applicant_search"])


class Migration(migrations.Migration):

    dependencies = [
        ('workflows', '0015_counter_guidance'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='dossier',
            name='applicant_search',
            field=models.CharField(blank=True, editable=False, max_length=400),
        ),
        migrations.RunPython(fill_applicant_search, migrations.RunPython.noop, elidable=True),
        migrations.CreateModel(
            name='PersonalDataView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(default=django.utils.timezone.now)),
                ('fields', models.CharField(max_length=200)),
                ('screen', models.CharField(max_length=60)),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='workflows.dossier')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'lượt xem dữ liệu cá nhân',
                'verbose_name_plural': 'lượt xem dữ liệu cá nhân',
                'indexes': [models.Index(fields=['dossier', 'at'], name='personaldataview_dossier_at')],
            },
        ),
    ]
