"""The rollups follow `reporting.rules`: the evaluation as sums of the rule's own cases, the
pending-overdue figure at each month's end from the clock's history, late collections counted
apart. Rollups built under the old definitions are dropped from service until the next refresh."""
import django.db.models.deletion
from django.db import migrations, models


MOVED = ("monthlycount", "monthlyrating", "monthlystep", "periodworkingtime", "rollupstate")


def repoint_content_types(apps, schema_editor):
    """The moved models keep their content types (and so their admin permissions)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label="reporting").values_list("model", flat=True))
    ContentType.objects.filter(app_label="workflows", model__in=set(MOVED) - taken).update(app_label="reporting")


def forget_old_rollups(apps, schema_editor):
    apps.get_model("reporting", "RollupState").objects.all().delete()
    apps.get_model("reporting", "MonthlyCount").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("procedures", "0004_publication"),
        ("reporting", "0001_initial"),
        ("workflows", "0008_clockspan"),
    ]

    operations = [
        migrations.RunPython(repoint_content_types, migrations.RunPython.noop),
        migrations.RunPython(forget_old_rollups, migrations.RunPython.noop),
        *[migrations.RemoveField(model_name="monthlycount", name=name)
          for name in ("due_month", "sup0", "sup1", "outside_supp", "early_nc", "on_time_nc")],
        *[migrations.AddField(model_name="monthlycount", name=name, field=models.PositiveIntegerField(default=0))
          for name in ("i1_sum", "i3_sum", "i4_sum", "i6_sum", "i7_sum")],
        migrations.AlterField(model_name="monthlycount", name="kind", field=models.CharField(max_length=9)),
        migrations.CreateModel(
            name="MonthEndOverdue",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("overdue", models.PositiveIntegerField(default=0)),
                ("online_overdue", models.PositiveIntegerField(default=0)),
                ("agency", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                             to="procedures.agency")),
                ("procedure", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                                to="procedures.procedure")),
                ("unit", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                           to="procedures.administrativeunit")),
            ],
            options={
                "verbose_name": "overdue at a month's end (rollup)",
                "indexes": [models.Index(fields=["month", "unit"], name="rollup_overdue_month_unit")],
            },
        ),
    ]
