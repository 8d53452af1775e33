"""The notification models now belong to `notifications` (its 0001 took over their state): drop
them from this app's state only; the tables stay."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0005_notification_pending_secret"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="DeadlineAlert"),
            ],
        ),
    ]
