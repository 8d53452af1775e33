"""`workflows.Complaint` leaves the engine for this app as `Petition`: state only, the table stays
(`workflows_complaint`, the precedent of notifications.0001). `workflows.0021_move_petitions` then
drops it from the engine's state; neither runs SQL. The model grows in 0003."""
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("workflows", "0020_vneid_and_sync"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Petition",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                                   verbose_name="ID")),
                        ("text", models.TextField(verbose_name="nội dung")),
                        ("received_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("resolved_at", models.DateTimeField(blank=True, null=True)),
                        ("unsubstantiated", models.BooleanField(
                            default=False, help_text="Đã xác minh, kết luận phản ánh không đúng hoặc vu cáo.",
                            verbose_name="kết luận không đúng")),
                        ("dossier", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT,
                                                      related_name="complaints", to="workflows.dossier")),
                    ],
                    options={
                        "verbose_name": "phản ánh, kiến nghị",
                        "verbose_name_plural": "phản ánh, kiến nghị",
                        "db_table": "workflows_complaint",
                    },
                ),
            ],
        ),
    ]
