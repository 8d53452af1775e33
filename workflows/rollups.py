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

Rebuilt whole by `refresh()` (nightly, or after a bulk load): two GROUP BY queries, no loop
over dossiers. A period is served from rollups only when it ended before the rebuild's
month (`covers`); the current period is always computed live.
"""
import datetime as dt

from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

__all__ = ["MonthlyCount", "RollupState"]  # what workflows.models re-exports

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
    rows = []
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
        RollupState.objects.all().delete()
        RollupState.objects.create(built_at=now, through=_month(now))
    return len(rows)


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
