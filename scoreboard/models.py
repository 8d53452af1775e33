from django.db import models

COUNT_FIELDS = ("received", "synced", "reused", "vneid", "owing", "paid_online", "online", "data_store", "digitised",
                "granted", "electronic", "judged", "on_time", "marked")


class MonthCounts(models.Model):
    """One month's QĐ 766 counts for one (competent unit, receiving agency, procedure): what
    `scoreboard.figures` and `scoreboard.progress` count live, kept for closed months so that any
    province, commune, agency or procedure figure is a SUM over a few rows (scoreboard.rollups)."""

    month = models.DateField(help_text="First day of the month (local time).")
    unit = models.ForeignKey("procedures.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    # received in the month (1.4, 3.3, 3.6, 4.2–4.5)
    received = models.PositiveIntegerField(default=0)
    synced = models.PositiveIntegerField(default=0)
    reused = models.PositiveIntegerField(default=0)
    vneid = models.PositiveIntegerField(default=0)
    owing = models.PositiveIntegerField(default=0)
    paid_online = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    data_store = models.PositiveIntegerField(default=0)
    digitised = models.PositiveIntegerField(default=0)
    # granted in the month (4.1)
    granted = models.PositiveIntegerField(default=0)
    electronic = models.PositiveIntegerField(default=0)
    # received or handled in the month (2.1, 5.4)
    judged = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    marked = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "QĐ 766 counts per month (rollup)"
        constraints = [models.UniqueConstraint(fields=["month", "unit", "agency", "procedure"],
                                               name="score_counts_once")]
        indexes = [models.Index(fields=["month", "unit"], name="score_counts_month_unit")]

    def __str__(self):
        return f"{self.month:%m/%Y} unit {self.unit_id} agency {self.agency_id} procedure {self.procedure_id}"


class MonthBuilt(models.Model):
    """A month whose counts are in `MonthCounts`, and when they were rebuilt."""

    month = models.DateField(unique=True)
    built_at = models.DateTimeField()

    def __str__(self):
        return f"{self.month:%m/%Y} built {self.built_at:%d/%m/%Y %H:%M}"
