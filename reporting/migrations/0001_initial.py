"""The rollup tables move from the engine app to `reporting` without touching the database: the
state is created here as it was in `workflows` (0002–0004), on the same tables."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("procedures", "0002_calendar_revision"),
        ("workflows", "0005_notification_pending_secret"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='RollupState',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('built_at', models.DateTimeField()),
                        ('through', models.DateField(help_text='First day of the month the rebuild ran in.')),
                    ],
                    options={'db_table': 'workflows_rollupstate'},
                ),
                migrations.CreateModel(
                    name='MonthlyCount',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=8)),
                        ('month', models.DateField()),
                        ('due_month', models.DateField(null=True)),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('online', models.PositiveIntegerField(default=0)),
                        ('one_stop', models.PositiveIntegerField(default=0)),
                        ('resolved', models.PositiveIntegerField(default=0)),
                        ('early', models.PositiveIntegerField(default=0)),
                        ('on_time', models.PositiveIntegerField(default=0)),
                        ('late', models.PositiveIntegerField(default=0)),
                        ('withdrawn', models.PositiveIntegerField(default=0)),
                        ('online_late', models.PositiveIntegerField(default=0)),
                        ('sup0', models.PositiveIntegerField(default=0)),
                        ('sup1', models.PositiveIntegerField(default=0)),
                        ('outside_supp', models.PositiveIntegerField(default=0)),
                        ('early_nc', models.PositiveIntegerField(default=0)),
                        ('on_time_nc', models.PositiveIntegerField(default=0)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                        ('procedure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.administrativeunit')),
                    ],
                    options={
                        'db_table': 'workflows_monthlycount',
                        'verbose_name': 'monthly count (rollup)',
                        'indexes': [models.Index(fields=['unit', 'kind', 'month'], name='rollup_unit_kind_month')],
                    },
                ),
                migrations.CreateModel(
                    name='MonthlyRating',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('month', models.DateField()),
                        ('total', models.PositiveIntegerField(default=0)),
                        ('satisfied', models.PositiveIntegerField(default=0)),
                        ('normal', models.PositiveIntegerField(default=0)),
                        ('not_satisfied', models.PositiveIntegerField(default=0)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.administrativeunit')),
                    ],
                    options={
                        'db_table': 'workflows_monthlyrating',
                        'verbose_name': 'monthly ratings (rollup)',
                        'indexes': [models.Index(fields=['unit', 'month'], name='rollup_rating_unit_month')],
                    },
                ),
                migrations.CreateModel(
                    name='MonthlyStep',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=8)),
                        ('month', models.DateField()),
                        ('step_index', models.SmallIntegerField(null=True)),
                        ('steps', models.PositiveIntegerField(default=0)),
                        ('late_steps', models.PositiveIntegerField(default=0)),
                        ('over_seconds', models.BigIntegerField(default=0)),
                        ('working_seconds', models.BigIntegerField(null=True)),
                        ('allotted_seconds', models.BigIntegerField(null=True)),
                        ('scored', models.PositiveIntegerField(default=0)),
                        ('score_sum', models.PositiveIntegerField(default=0)),
                        ('agency', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.agency')),
                        ('owner', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('procedure', models.ForeignKey(null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure')),
                    ],
                    options={
                        'db_table': 'workflows_monthlystep',
                        'verbose_name': 'monthly steps (rollup)',
                        'indexes': [models.Index(fields=['kind', 'agency', 'month'], name='rollup_step_kind_agency_month')],
                    },
                ),
                migrations.CreateModel(
                    name='PeriodWorkingTime',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=8)),
                        ('start', models.DateField(help_text='First day of the period (local time).')),
                        ('dossiers', models.PositiveIntegerField(default=0)),
                        ('timed', models.PositiveIntegerField(default=0)),
                        ('seconds', models.BigIntegerField(null=True)),
                        ('p90_hundredths', models.PositiveIntegerField(null=True)),
                        ('procedure', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.procedure')),
                        ('root', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='procedures.administrativeunit')),
                    ],
                    options={
                        'db_table': 'workflows_periodworkingtime',
                        'verbose_name': 'working time per period (rollup)',
                        'indexes': [models.Index(fields=['root', 'kind', 'start'], name='rollup_wt_root_period')],
                    },
                ),
            ],
        ),
    ]
