"""The clock's history (ClockSpan), and a first history for the dossiers received before it existed.

The backfill knows only each dossier's current clock: one running span from receipt with the
current legal due time, and a waiting span from the pause for a dossier waiting now. Earlier
pauses are not reconstructed (figures for periods before this migration keep the approximation).
"""
import django.db.models.deletion
from django.db import migrations, models

WAITING_FOR_APPLICANT = ("awaiting_supplement",)


def backfill(apps, schema_editor):
    Dossier = apps.get_model("workflows", "Dossier")
    ClockSpan = apps.get_model("workflows", "ClockSpan")
    spans = []
    received = Dossier.objects.filter(received_at__isnull=False, original_due_at__isnull=False)
    for d in received.only("pk", "received_at", "original_due_at", "status", "clock_paused_at").iterator(2000):
        waiting_since = d.clock_paused_at if d.status in WAITING_FOR_APPLICANT else None
        spans.append(ClockSpan(dossier_id=d.pk, started_at=d.received_at, ended_at=waiting_since,
                               legal_due_at=d.original_due_at, waiting=False))
        if waiting_since is not None:
            spans.append(ClockSpan(dossier_id=d.pk, started_at=waiting_since, legal_due_at=d.original_due_at,
                                   waiting=True))
        if len(spans) >= 5000:
            ClockSpan.objects.bulk_create(spans)
            spans = []
    ClockSpan.objects.bulk_create(spans)


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0007_move_rollups"),
    ]

    operations = [
        migrations.CreateModel(
            name="ClockSpan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("started_at", models.DateTimeField()),
                ("ended_at", models.DateTimeField(blank=True, null=True)),
                ("legal_due_at", models.DateTimeField()),
                ("waiting", models.BooleanField(
                    default=False, help_text="The clock stood still: waiting for the applicant.")),
                ("dossier", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                              related_name="clock_spans", to="workflows.dossier")),
            ],
            options={
                "verbose_name": "diễn biến thời hạn",
                "verbose_name_plural": "diễn biến thời hạn",
                "indexes": [models.Index(fields=["dossier", "started_at"], name="clockspan_dossier_start")],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
