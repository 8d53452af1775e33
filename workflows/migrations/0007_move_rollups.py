"""The rollup tables now belong to `reporting` (its 0001 took over their state): drop them from this
app's state only; the tables stay."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0006_move_notifications"),
        ("reporting", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name=name)
                for name in ("MonthlyCount", "MonthlyRating", "MonthlyStep", "PeriodWorkingTime", "RollupState")
            ],
        ),
    ]
