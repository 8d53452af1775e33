"""The rollup tables (số liệu tổng hợp): per-month counts that keep the dashboards flat past millions
of dossiers. Built by `reporting.rollups.refresh()`; the tables keep the names they had when they
lived in the engine app (`db_table`), so moving them touched no data.
"""
from django.conf import settings
from django.db import models

# The measures of a MonthlyCount row (refresh fills them by name).
MEASURES = ("total", "online", "one_stop", "boundless", "resolved", "early", "on_time", "late", "withdrawn", "stopped",
            "online_late",
            "i1_sum", "i3_sum", "i4_sum", "i6_sum", "i7_sum")


class MonthlyCount(models.Model):
    """Dossiers of a (unit, agency, procedure) by month: received, ended, or collected after the appointment."""

    RECEIVED, LEFT, COLLECTED_LATE = "received", "left", "collected"

    kind = models.CharField(max_length=9)
    month = models.DateField()
    unit = models.ForeignKey("procedures.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    one_stop = models.PositiveIntegerField(default=0)
    # received for another competent unit (NĐ 118/2025 Art. 14): the receiving centre's own figure
    boundless = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    stopped = models.PositiveIntegerField(default=0)
    online_late = models.PositiveIntegerField(default=0)
    # Σ of each TT 01/2018 per-dossier indicator (rules.indicatorN) over the resolved dossiers
    i1_sum = models.PositiveIntegerField(default=0)
    i3_sum = models.PositiveIntegerField(default=0)
    i4_sum = models.PositiveIntegerField(default=0)
    i6_sum = models.PositiveIntegerField(default=0)
    i7_sum = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "workflows_monthlycount"
        verbose_name = "monthly count (rollup)"
        indexes = [models.Index(fields=["unit", "kind", "month"], name="rollup_unit_kind_month")]

    def __str__(self):
        return f"{self.kind} {self.month:%m/%Y} unit {self.unit_id}"


class MonthEndOverdue(models.Model):
    """Dossiers pending and overdue at the first instant of `month` (the end of the month before)."""

    month = models.DateField()
    unit = models.ForeignKey("procedures.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    overdue = models.PositiveIntegerField(default=0)
    online_overdue = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "overdue at a month's end (rollup)"
        indexes = [models.Index(fields=["month", "unit"], name="rollup_overdue_month_unit")]

    def __str__(self):
        return f"overdue at {self.month:%m/%Y} unit {self.unit_id}"


class MonthlyRating(models.Model):
    """Satisfaction ratings given in a month, by the rated dossier's receiving unit and agency."""

    month = models.DateField()
    unit = models.ForeignKey("procedures.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField(default=0)
    satisfied = models.PositiveIntegerField(default=0)
    normal = models.PositiveIntegerField(default=0)
    not_satisfied = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "workflows_monthlyrating"
        verbose_name = "monthly ratings (rollup)"
        indexes = [models.Index(fields=["unit", "month"], name="rollup_rating_unit_month")]

    def __str__(self):
        return f"ratings {self.month:%m/%Y} unit {self.unit_id}"


class MonthlyStep(models.Model):
    """Processing steps finished in a month (not cancelled), for delays and TT 01 indicator 2.

    Two row sets: STEP rows by (agency, procedure, step index) — summed per agency too —
    and OFFICIAL rows by (agency, official). Sums of seconds stay NULL when every step's
    value was NULL, as SQL's SUM over the live rows.
    """

    STEP, OFFICIAL = "step", "official"

    kind = models.CharField(max_length=8)
    month = models.DateField()
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", null=True, on_delete=models.CASCADE, related_name="+")
    step_index = models.SmallIntegerField(null=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    steps = models.PositiveIntegerField(default=0)
    late_steps = models.PositiveIntegerField(default=0)
    over_seconds = models.BigIntegerField(default=0)
    working_seconds = models.BigIntegerField(null=True)
    allotted_seconds = models.BigIntegerField(null=True)
    scored = models.PositiveIntegerField(default=0)  # steps with both allotted and working time
    score_sum = models.PositiveIntegerField(default=0)  # Σ indicator 2 (0/1/2) of those steps

    class Meta:
        db_table = "workflows_monthlystep"
        verbose_name = "monthly steps (rollup)"
        indexes = [models.Index(fields=["kind", "agency", "month"], name="rollup_step_kind_agency_month")]

    def __str__(self):
        return f"{self.kind} steps {self.month:%m/%Y} agency {self.agency_id}"


class PeriodWorkingTime(models.Model):
    """Working time of resolved dossiers per subtree root, procedure and month, quarter or year of resolution.

    One row answers the dashboard's figure for a whole subtree (the unit it is opened on) and a
    standard period: dossiers, how many have a working time, their exact total seconds (the
    average) and the nearest-rank 90th percentile in hundredths of an hour (NULL when the
    ranked dossier has no working time). A percentile does not add up across units or months,
    so it is computed per (root, period) at `refresh()` instead of merged at read time.
    """

    root = models.ForeignKey("procedures.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8)  # metrics.Period.kind: month, quarter or year
    start = models.DateField(help_text="First day of the period (local time).")
    dossiers = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    seconds = models.BigIntegerField(null=True)
    p90_hundredths = models.PositiveIntegerField(null=True)

    class Meta:
        db_table = "workflows_periodworkingtime"
        verbose_name = "working time per period (rollup)"
        indexes = [models.Index(fields=["root", "kind", "start"], name="rollup_wt_root_period")]

    def __str__(self):
        return f"working time {self.kind} {self.start:%m/%Y} root {self.root_id}"


class RollupState(models.Model):
    """When the rollups were last rebuilt: periods ending by `through` are served from them, and the
    running period while its month's rows, rebuilt at `running_at`, are fresh (rollups.RUNNING_FRESHNESS)."""

    built_at = models.DateTimeField()
    through = models.DateField(help_text="First day of the month the rebuild ran in.")
    running_at = models.DateTimeField(
        null=True, blank=True, help_text="When the running month's rows were last rebuilt (every ten minutes).")

    class Meta:
        db_table = "workflows_rollupstate"

    def __str__(self):
        return f"rollups through {self.through:%m/%Y}"


