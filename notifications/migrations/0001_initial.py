"""The notification models leave the engine for this app: state only, the tables stay.

`workflows.0006_move_notifications` then drops them from the engine's state; no SQL is run
by either (the models keep `db_table = "workflows_…"`).
"""
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("workflows", "0005_notification_pending_secret"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("channel", models.CharField(choices=[("email", "thư điện tử"), ("sms", "tin nhắn SMS")],
                                                     max_length=10)),
                        ("recipient", models.CharField(max_length=255)),
                        ("subject", models.CharField(blank=True, max_length=255)),
                        ("body", models.TextField()),
                        ("status", models.CharField(
                            choices=[("pending", "chờ gửi"), ("sent", "đã gửi"), ("failed", "gửi lỗi")],
                            default="pending", max_length=10)),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_error", models.TextField(blank=True)),
                        ("idempotency_key", models.CharField(max_length=200, unique=True)),
                        ("pending_secret", models.CharField(blank=True, editable=False, max_length=64)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        ("dossier", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                      related_name="notifications", to="workflows.dossier")),
                        ("event", models.ForeignKey(blank=True, null=True,
                                                    on_delete=django.db.models.deletion.PROTECT,
                                                    related_name="+", to="workflows.dossierevent")),
                    ],
                    options={
                        "verbose_name": "thông báo",
                        "verbose_name_plural": "thông báo",
                        "db_table": "workflows_notification",
                        "ordering": ["-created_at"],
                    },
                ),
                migrations.CreateModel(
                    name="DeadlineAlert",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("kind", models.CharField(choices=[("at_risk", "sắp đến hạn"), ("overdue", "quá hạn")],
                                                  max_length=10)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("dossier", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                                      related_name="alerts", to="workflows.dossier")),
                        ("work_item", models.ForeignKey(blank=True, null=True,
                                                        on_delete=django.db.models.deletion.CASCADE,
                                                        related_name="alerts", to="workflows.workitem")),
                    ],
                    options={
                        "verbose_name": "cảnh báo thời hạn",
                        "verbose_name_plural": "cảnh báo thời hạn",
                        "db_table": "workflows_deadlinealert",
                        "constraints": [
                            models.UniqueConstraint(fields=("dossier", "work_item", "kind"), name="alert_once"),
                            models.UniqueConstraint(condition=models.Q(("work_item__isnull", True)),
                                                    fields=("dossier", "kind"), name="dossier_alert_once"),
                        ],
                    },
                ),
            ],
        ),
    ]
