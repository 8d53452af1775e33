"""The complaint model now belongs to `petitions` as `Petition` (its 0001 took over its state): drop
it from this app's state only; the table `workflows_complaint` stays (ADR 0038)."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0020_vneid_and_sync"),
        ("petitions", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Complaint"),
            ],
        ),
    ]
