"""Per-month rollups (số liệu tổng hợp theo tháng) that keep the dashboard flat past millions of dossiers.

Two kinds of rows per (receiving unit, receiving agency, procedure, month, month of the legal
due time): dossiers *received* in the month, and dossiers that *left* in the month (returned,
withdrawn/refused, or decided — `metrics.END_AT`). For a period of whole months [M1, M2) the
figures of `metrics.grouped` follow by sums (left ⇒ received earlier, so):

- received, online, one-stop = Σ received rows in [M1, M2)
- resolved, early, on time, late, withdrawn = Σ left rows in [M1, M2)
- carried over = Σ received before M1 − Σ left before M1
- pending = carried over + received − resolved − withdrawn
- pending overdue = Σ received before M2 with due month before M2 − Σ left before M2 with due month before M2

The other figures have their own tables: `MonthlyRating` (satisfaction), `MonthlyStep`
(indicator 2 and delays by agency, step or official) and `PeriodWorkingTime` (average and
90th-percentile working time per subtree root, procedure and month, quarter or year: a
percentile does not merge, so it is ranked once per period the dashboard can ask for).

Rebuilt whole by `refresh()` (nightly, or after a bulk load): a few GROUP BY queries, no loop
over dossiers. A period is served from rollups only when it ended before the rebuild's
month (`covers`); the current period is always computed live.
"""
import datetime as dt

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce, TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

__all__ = ["MonthlyCount", "MonthlyRating", "MonthlyStep", "PeriodWorkingTime", "RollupState"]  # re-exported

MEASURES = ("total", "online", "one_stop", "resolved", "early", "on_time", "late", "withdrawn", "online_late",
            "sup0", "sup1", "outside_supp", "early_nc", "on_time_nc")


class MonthlyCount(models.Model):
    RECEIVED, LEFT = "received", "left"

    kind = models.CharField(max_length=8)
    month = models.DateField()
    due_month = models.DateField(null=True)
    unit = models.ForeignKey("procedures.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("procedures.Agency", on_delete=models.CASCADE, related_name="+")
    procedure = models.ForeignKey("procedures.Procedure", on_delete=models.CASCADE, related_name="+")
    total = models.PositiveIntegerField(default=0)
    online = models.PositiveIntegerField(default=0)
    one_stop = models.PositiveIntegerField(default=0)
    resolved = models.PositiveIntegerField(default=0)
    early = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    online_late = models.PositiveIntegerField(default=0)
    # for the TT 01 score averages (indicators 3, 4, 7) of resolved dossiers
    sup0 = models.PositiveIntegerField(default=0)  # no supplement
    sup1 = models.PositiveIntegerField(default=0)  # one supplement
    outside_supp = models.PositiveIntegerField(default=0)  # recorded outside the counter, with a supplement
    early_nc = models.PositiveIntegerField(default=0)  # early, no substantiated complaint
    on_time_nc = models.PositiveIntegerField(default=0)  # on time, no substantiated complaint

    class Meta:
        verbose_name = "monthly count (rollup)"
        indexes = [models.Index(fields=["unit", "kind", "month"], name="rollup_unit_kind_month")]

    def __str__(self):
        return f"{self.kind} {self.month:%m/%Y} unit {self.unit_id}"


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
        verbose_name = "working time per period (rollup)"
        indexes = [models.Index(fields=["root", "kind", "start"], name="rollup_wt_root_period")]

    def __str__(self):
        return f"working time {self.kind} {self.start:%m/%Y} root {self.root_id}"


class RollupState(models.Model):
    """When the rollups were last rebuilt: periods ending by `through` are served from them."""

    built_at = models.DateTimeField()
    through = models.DateField(help_text="First day of the month the rebuild ran in.")

    def __str__(self):
        return f"rollups through {self.through:%m/%Y}"


def _month(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def refresh(now=None) -> int:
    """Rebuild every rollup row from the dossiers (two GROUP BY queries); returns the row count."""
    from . import metrics
    from .models import Channel, Complaint, Dossier

    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    received = (
        Dossier.objects.filter(received_at__isnull=False).order_by()
        .annotate(m=TruncMonth("received_at", tzinfo=tz), d=TruncMonth("original_due_at", tzinfo=tz))
        .values("receiving_unit_id", "receiving_agency_id", "procedure_id", "m", "d")
        .annotate(total=Count("pk"), online=Count("pk", filter=Q(channel=Channel.ONLINE)),
                  one_stop=Count("pk", filter=Q(channel__in=metrics.ONE_STOP_CHANNELS)))
    )
    offset = metrics._offset(now)
    decided = ~Q(status__in=metrics.LEFT_WITHOUT_DECISION)
    late = Q(end_at__gt=F("original_due_at"))
    early = Q(end_date__lt=F("due_date")) & ~late
    clean = ~Q(pk__in=Complaint.objects.filter(unsubstantiated=False).values("dossier_id"))
    left = (
        metrics.with_end(Dossier.objects.filter(received_at__isnull=False)).filter(end_at__isnull=False).order_by()
        .annotate(m=TruncMonth("end_at", tzinfo=tz), d=TruncMonth("original_due_at", tzinfo=tz),
                  end_date=metrics.LocalDay("end_at", offset), due_date=metrics.LocalDay("original_due_at", offset))
        .values("receiving_unit_id", "receiving_agency_id", "procedure_id", "m", "d")
        .annotate(total=Count("pk"), online=Count("pk", filter=Q(channel=Channel.ONLINE)),
                  resolved=Count("pk", filter=decided), early=Count("pk", filter=decided & early),
                  on_time=Count("pk", filter=decided & ~early & ~late), late=Count("pk", filter=decided & late),
                  withdrawn=Count("pk", filter=~decided),
                  online_late=Count("pk", filter=decided & late & Q(channel=Channel.ONLINE)),
                  sup0=Count("pk", filter=decided & Q(supplement_count=0)),
                  sup1=Count("pk", filter=decided & Q(supplement_count=1)),
                  outside_supp=Count("pk", filter=decided & Q(channel=Channel.OUTSIDE, supplement_count__gt=0)),
                  early_nc=Count("pk", filter=decided & early & clean),
                  on_time_nc=Count("pk", filter=decided & ~early & ~late & clean))
    )
    rows, extra = [], _rating_rows(tz) + _step_rows(tz) + _working_time_rows(tz)
    for kind, source in ((MonthlyCount.RECEIVED, received), (MonthlyCount.LEFT, left)):
        for r in source.iterator(chunk_size=5000):
            rows.append(MonthlyCount(
                kind=kind, month=_month(r["m"]), due_month=_month(r["d"]), unit_id=r["receiving_unit_id"],
                agency_id=r["receiving_agency_id"], procedure_id=r["procedure_id"],
                **{k: r.get(k, 0) for k in MEASURES},
            ))
    with transaction.atomic():
        MonthlyCount.objects.all().delete()
        MonthlyCount.objects.bulk_create(rows, batch_size=5000)
        for model in (MonthlyRating, MonthlyStep, PeriodWorkingTime):
            model.objects.all().delete()
            model.objects.bulk_create([r for r in extra if isinstance(r, model)], batch_size=5000)
        RollupState.objects.all().delete()
        RollupState.objects.create(built_at=now, through=_month(now))
    if connection.vendor == "postgresql":  # fresh statistics: the planner sizes its aggregates from them
        with connection.cursor() as cursor:
            for model in (MonthlyCount, MonthlyRating, MonthlyStep, PeriodWorkingTime):
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return len(rows) + len(extra)


def _rating_rows(tz) -> list:
    from .models import Rating, SatisfactionRating

    source = (
        SatisfactionRating.objects.filter(dossier__receiving_unit_id__isnull=False,
                                          dossier__receiving_agency_id__isnull=False).order_by()
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values("dossier__receiving_unit_id", "dossier__receiving_agency_id", "m")
        .annotate(total=Count("pk"), **{v: Count("pk", filter=Q(rating=v)) for v in Rating.values})
    )
    return [MonthlyRating(month=_month(r["m"]), unit_id=r["dossier__receiving_unit_id"],
                          agency_id=r["dossier__receiving_agency_id"], total=r["total"],
                          **{v: r[v] for v in Rating.values}) for r in source.iterator(chunk_size=5000)]


def _step_rows(tz) -> list:
    from . import evaluation, metrics
    from .models import WorkItem

    over = Case(When(working_seconds__gt=F("allotted_seconds"), then=F("working_seconds") - F("allotted_seconds")),
                default=Value(0), output_field=IntegerField())
    scored = Q(allotted_seconds__isnull=False, working_seconds__isnull=False)
    measures = dict(
        steps=Count("pk"), late_steps=Count("pk", filter=metrics.FINISHED_LATE), over_seconds=Sum(over),
        working_seconds=Sum("working_seconds"), allotted_seconds=Sum("allotted_seconds"),
        scored=Count("pk", filter=scored), score_sum=Sum(evaluation.step_score(), filter=scored),
    )
    base = (
        WorkItem.objects.filter(step_index__isnull=False, agency_id__isnull=False, finished__isnull=False)
        .exclude(status="CANCELED").order_by().annotate(m=TruncMonth("finished", tzinfo=tz))
    )
    out = []
    groupings = ((MonthlyStep.STEP, {"procedure_id": "process__dossier__procedure_id", "step_index": "step_index"}),
                 (MonthlyStep.OFFICIAL, {"owner_id": "owner_id"}))
    for kind, cols in groupings:
        # annotation names end in "_": "working_seconds" would shadow the column in later expressions
        source = base.values("agency_id", "m", *cols.values()).annotate(**{k + "_": v for k, v in measures.items()})
        for r in source.iterator(chunk_size=5000):
            out.append(MonthlyStep(
                kind=kind, month=_month(r["m"]), agency_id=r["agency_id"],
                **{field: r[src] for field, src in cols.items()},
                **{k: (r[k + "_"] or 0) if k in ("over_seconds", "score_sum") else r[k + "_"] for k in measures},
            ))
    return out


def _working_time_rows(tz) -> list:
    """`PeriodWorkingTime` rows: one statement ranks the resolved dossiers of every (root, procedure, period).

    Each dossier's working time (the sum of its steps', as `metrics.working_time_by_procedure`)
    is counted under every unit whose subtree holds its receiving unit and under its month,
    quarter and year; equal hundredths of an hour are merged before ranking, which keeps the
    percentile exact at the 0.01 h shown (rounding keeps the order) and shrinks the sort.
    """
    from procedures.models import AdministrativeUnit

    from . import metrics
    from .models import WorkItem

    dossier = "process__dossier__"
    end = Coalesce(f"{dossier}returned_at", f"{dossier}closed_at", f"{dossier}resolved_at",
                   output_field=DateTimeField())
    per_dossier = (
        WorkItem.objects.filter(step_index__isnull=False, **{f"{dossier}received_at__isnull": False})
        .exclude(**{f"{dossier}status__in": metrics.LEFT_WITHOUT_DECISION})
        .annotate(end_at=end).filter(end_at__isnull=False).order_by()
        .values("process_id", wt_unit=F(f"{dossier}receiving_unit_id"), wt_proc=F(f"{dossier}procedure_id"),
                wt_month=TruncMonth("end_at", tzinfo=tz), wt_quarter=TruncQuarter("end_at", tzinfo=tz),
                wt_year=TruncYear("end_at", tzinfo=tz))
        .annotate(secs=Sum("working_seconds"))
    )
    inner, params = per_dossier.query.sql_with_params()
    unit = AdministrativeUnit._meta.db_table
    # the unit → subtree-root pairs: u lies under r when r's materialised path prefixes u's
    sql = f"""
        WITH roots AS (
            SELECT u.id AS unit_id, r.id AS root_id FROM {unit} u
            JOIN {unit} r ON substr(u.path, 1, length(r.path)) = r.path
        ),
        kinds AS (SELECT 'month' AS kind UNION ALL SELECT 'quarter' UNION ALL SELECT 'year'),
        hist AS (
            SELECT roots.root_id, per.wt_proc AS proc, kinds.kind,
                   CASE kinds.kind WHEN 'month' THEN per.wt_month WHEN 'quarter' THEN per.wt_quarter
                        ELSE per.wt_year END AS start,
                   (per.secs + 18) / 36 AS h, COUNT(*) AS n, SUM(per.secs) AS s
            FROM ({inner}) per JOIN roots ON roots.unit_id = per.wt_unit CROSS JOIN kinds
            GROUP BY 1, 2, 3, 4, 5
        )
        SELECT c.root_id, c.proc, c.kind, c.start, MAX(c.tot), SUM(c.s),
               SUM(CASE WHEN c.h IS NOT NULL THEN c.n ELSE 0 END),
               MIN(CASE WHEN c.cum * 10 >= c.tot * 9 THEN c.h END)
        FROM (
            SELECT hist.*,
                   SUM(n) OVER (PARTITION BY root_id, proc, kind, start ORDER BY h NULLS LAST
                                ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum,
                   SUM(n) OVER (PARTITION BY root_id, proc, kind, start) AS tot
            FROM hist
        ) c
        GROUP BY c.root_id, c.proc, c.kind, c.start
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [PeriodWorkingTime(root_id=r, procedure_id=p, kind=k, start=_month_of(m), dossiers=n, seconds=s,
                                  timed=t, p90_hundredths=h)
                for r, p, k, m, n, s, t, h in cursor.fetchall()]


def _month_of(value) -> dt.date:
    """A month from a raw cursor: a date/datetime (PostgreSQL, local already) or an ISO string (SQLite)."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10]).replace(day=1)
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


def covers(period) -> bool:
    """Is the period served from rollups: whole months, ended no later than the last rebuild's month?"""
    state = RollupState.objects.order_by("-built_at").first()
    return state is not None and period.kind in ("month", "quarter", "year") and _month(period.end) <= state.through


KEY_MAP = {"receiving_unit_id": "unit_id", "receiving_agency_id": "agency_id",
           "procedure__field_id": "procedure__field_id", "procedure_id": "procedure_id"}


def grouped(unit_ids, period, keys: list[str]) -> list[dict]:
    """`metrics.grouped` from the rollups (keys among KEY_MAP); two small GROUP BY queries."""
    from . import metrics

    m1, m2 = _month(period.start), _month(period.end)
    cols = [KEY_MAP[k] for k in keys]
    base = MonthlyCount.objects.filter(unit_id__in=unit_ids).order_by()
    rec = base.filter(kind=MonthlyCount.RECEIVED, month__lt=m2).values(*cols).annotate(
        received=Sum("total", filter=Q(month__gte=m1)), received_online=Sum("online", filter=Q(month__gte=m1)),
        received_one_stop=Sum("one_stop", filter=Q(month__gte=m1)),
        before=Sum("total", filter=Q(month__lt=m1)),
        due_before_end=Sum("total", filter=Q(due_month__lt=m2)),
        online_due_before_end=Sum("online", filter=Q(due_month__lt=m2)),
    )
    lft = base.filter(kind=MonthlyCount.LEFT, month__lt=m2).values(*cols).annotate(
        resolved=Sum("resolved", filter=Q(month__gte=m1)), early=Sum("early", filter=Q(month__gte=m1)),
        on_time=Sum("on_time", filter=Q(month__gte=m1)), late=Sum("late", filter=Q(month__gte=m1)),
        withdrawn=Sum("withdrawn", filter=Q(month__gte=m1)),
        online_late_resolved=Sum("online_late", filter=Q(month__gte=m1)),
        before=Sum("total", filter=Q(month__lt=m1)),
        due_before_end=Sum("total", filter=Q(due_month__lt=m2)),
        online_due_before_end=Sum("online", filter=Q(due_month__lt=m2)),
    )
    merged: dict[tuple, dict] = {}
    for source, prefix in ((rec, "r_"), (lft, "l_")):
        for r in source:
            key = tuple(r[c] for c in cols)
            slot = merged.setdefault(key, {})
            for name, value in r.items():
                if name not in cols:
                    slot[prefix + name] = value or 0
    out = []
    for key, s in sorted(merged.items(), key=lambda kv: tuple(v if v is not None else 0 for v in kv[0])):
        def g(name, s=s):
            return s.get(name, 0)

        carried = g("r_before") - g("l_before")
        received = g("r_received")
        resolved, withdrawn = g("l_resolved"), g("l_withdrawn")
        pending = carried + received - resolved - withdrawn
        overdue = g("r_due_before_end") - g("l_due_before_end")
        if carried == received == resolved == withdrawn == pending == 0:
            continue  # nothing handled in the period (as the live query, which has no such row)
        row = dict(zip(keys, key, strict=True))
        row.update(
            received=received, received_online=g("r_received_online"), received_one_stop=g("r_received_one_stop"),
            carried_over=carried, resolved=resolved, early=g("l_early"), on_time=g("l_on_time"), late=g("l_late"),
            withdrawn=withdrawn, pending=pending, pending_overdue=overdue, pending_within=pending - overdue,
            online_late=g("l_online_late_resolved") + g("r_online_due_before_end") - g("l_online_due_before_end"),
        )
        out.append(metrics.derive(row))
    return out


def trend(unit_ids, period) -> list[dict]:
    """`metrics.monthly_trend` from the rollups (one GROUP BY over the "left" rows)."""
    rows = (
        MonthlyCount.objects.filter(unit_id__in=unit_ids, kind=MonthlyCount.LEFT, month__gte=_month(period.start),
                                    month__lt=_month(period.end))
        .order_by().values("month").annotate(resolved=Sum("resolved"), late=Sum("late")).order_by("month")
    )
    return [{"month": r["month"], "resolved": r["resolved"], "late": r["late"],
             "on_time_rate": round(100.0 * (r["resolved"] - r["late"]) / r["resolved"], 1) if r["resolved"] else None}
            for r in rows if r["resolved"]]


def scores(unit_ids, period, key: str) -> dict:
    """`evaluation.averages` (indicators 1, 3, 4, 7 per group) from the rollups; key in KEY_MAP."""
    col = KEY_MAP[key]
    rows = (
        MonthlyCount.objects.filter(unit_id__in=unit_ids, kind=MonthlyCount.LEFT, month__gte=_month(period.start),
                                    month__lt=_month(period.end))
        .order_by().values(col)
        .annotate(**{m: Sum(m) for m in ("resolved", "early", "on_time", "sup0", "sup1", "outside_supp",
                                         "early_nc", "on_time_nc")})
    )
    out = {}
    for r in rows:
        n = r["resolved"]
        if not n:
            continue
        out[r[col]] = {
            key: r[col], "evaluated": n,
            "i1": round((2 * r["early"] + r["on_time"]) / n, 2),
            "i3": round((2 * r["sup0"] + r["sup1"]) / n, 2),
            "i4": round((2 * r["sup0"] + n - r["sup0"] - r["outside_supp"]) / n, 2),
            "i7": round((2 * r["early_nc"] + r["on_time_nc"]) / n, 2),
        }
    return out


def _in(model, unit_ids, period):
    return model.objects.filter(unit_id__in=unit_ids, month__gte=_month(period.start), month__lt=_month(period.end))


def satisfaction(unit_ids, period) -> dict:
    """`metrics.satisfaction` from the rollups (one query)."""
    from .models import Rating

    row = (
        _in(MonthlyRating, unit_ids, period).aggregate(total=Sum("total"), **{v: Sum(v) for v in Rating.values})
    )
    row = {k: v or 0 for k, v in row.items()}
    for value in Rating.values:
        row[f"{value}_rate"] = round(100.0 * row[value] / row["total"], 1) if row["total"] else None
    return row


def satisfaction_by(unit_ids, period, key: str) -> dict:
    """`metrics.satisfaction_by` from the rollups; key receiving_agency_id or receiving_unit_id."""
    col = KEY_MAP[key]
    rows = (
        _in(MonthlyRating, unit_ids, period).order_by().values(col)
        .annotate(total=Sum("total"), satisfied=Sum("satisfied"))
    )
    return {r[col]: round(100.0 * r["satisfied"] / r["total"], 1) for r in rows if r["total"]}


def _steps(unit_ids, period, kind):
    from procedures.models import Agency

    agency_ids = list(Agency.objects.filter(unit_id__in=unit_ids).values_list("pk", flat=True))
    return MonthlyStep.objects.filter(kind=kind, agency_id__in=agency_ids, month__gte=_month(period.start),
                                      month__lt=_month(period.end)).order_by()


def step_averages(unit_ids, period) -> dict:
    """`evaluation.step_averages` (indicator 2 per processing agency) from the rollups."""
    rows = _steps(unit_ids, period, MonthlyStep.STEP).values("agency_id").annotate(
        scored=Sum("scored"), score_sum=Sum("score_sum"))
    return {r["agency_id"]: {"i2": round(r["score_sum"] / r["scored"], 2), "steps": r["scored"]}
            for r in rows if r["scored"]}


ATTRIBUTION_KEYS = {  # the live key → the rollup column
    "agency": (MonthlyStep.STEP, {"agency_id": "agency_id", "agency__name": "agency__name"}),
    "step": (MonthlyStep.STEP, {"process__dossier__procedure_id": "procedure_id",
                                "process__dossier__procedure__code": "procedure__code",
                                "process__dossier__procedure__name": "procedure__name",
                                "step_index": "step_index"}),
    "official": (MonthlyStep.OFFICIAL, {"owner_id": "owner_id", "owner__username": "owner__username",
                                        "owner__first_name": "owner__first_name",
                                        "owner__last_name": "owner__last_name"}),
}


STEP_SUMS = ("steps", "late_steps", "over_seconds", "working_seconds", "allotted_seconds")


def attribution(unit_ids, period, by: str) -> list[dict]:
    """`metrics.attribution` (late steps by agency, step or official) from the rollups."""
    from . import metrics

    kind, cols = ATTRIBUTION_KEYS[by]
    rows = (
        _steps(unit_ids, period, kind).values(*cols.values())
        .annotate(**{"t_" + m: Sum(m) for m in STEP_SUMS})  # "t_": not to shadow the columns
        .filter(t_late_steps__gt=0).order_by("-t_late_steps", "-t_over_seconds")
    )
    out = [{**{live: r[col] for live, col in cols.items()}, **{m: r["t_" + m] for m in STEP_SUMS}} for r in rows]
    return metrics.finish_attribution(out, by)


def working_time_by_procedure(root, period) -> list[dict]:
    """`metrics.working_time_by_procedure` for the subtree of `root` and a standard period: one row per procedure."""
    from . import metrics

    rows = (
        PeriodWorkingTime.objects.filter(root=root, kind=period.kind, start=_month(period.start))
        .values_list("procedure_id", "dossiers", "seconds", "timed", "p90_hundredths")
    )
    return metrics.finish_working_time([(pid, n, s or 0, timed, None if h is None else h / 100)
                                        for pid, n, s, timed, h in rows])
