"""Per-month rollups (số liệu tổng hợp theo tháng) that keep the dashboard flat past millions of dossiers.

`MonthlyCount` rows per (receiving unit, receiving agency, procedure, month): dossiers *received*
in the month, dossiers whose handling *ended* in the month (`rules.HANDLING_ENDED_AT`, with the
timeliness and evaluation sums of `rules`), and results *collected late* in the month. For a
period of whole months [M1, M2) the figures of `metrics.grouped` follow by sums (ended ⇒ received
earlier, so):

- received, online, one-stop = Σ received rows in [M1, M2)
- resolved, early, on time, late, withdrawn = Σ ended rows in [M1, M2)
- carried over = Σ received before M1 − Σ ended before M1
- pending = carried over + received − resolved − withdrawn
- pending overdue = the `MonthEndOverdue` rows at M2: the dossiers overdue at that instant by the
  clock's history (`rules.overdue_at_q`), so a later supplement or decision never changes them.

The other figures have their own tables: `MonthlyRating` (satisfaction), `MonthlyStep`
(indicator 2 and delays by agency, step or official) and `PeriodWorkingTime` (average and
90th-percentile working time per subtree root, procedure and month, quarter or year: a
percentile does not merge, so it is ranked once per period the dashboard can ask for).

Rebuilt whole by `refresh()` (nightly, or after a bulk load): a few GROUP BY queries, no loop
over dossiers; the running month alone by `refresh_running()` every ten minutes (ADR 0043). A
period is served from rollups when it ended before the rebuild's month, or when it is running and
the running month's rebuild is fresh (`covers`); otherwise it is counted live.
"""
import datetime as dt

from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.utils import timezone

from petitions.models import Petition
from procedures.models import AdministrativeUnit, Agency
from workflows.models import Channel, ClockSpan, Dossier, Rating, SatisfactionRating, WorkItem

from . import rules
from .models import (
    MEASURES,
    MonthEndOverdue,
    MonthlyCount,
    MonthlyRating,
    MonthlyStep,
    PeriodWorkingTime,
    RollupState,
)
from .periods import RUNNING_FRESHNESS, Period, utc_offset_seconds
from .rows import (
    RATING_COUNTS,
    STEP_SUMS,
    attribution_rows,
    derive,
    finish_attribution,
    finish_working_time,
    satisfied_shares,
    score_averages,
)
from .rows import satisfaction as rows_satisfaction
from .rows import step_averages as rows_step_averages

ROLLUP_MODELS = (MonthlyCount, MonthEndOverdue, MonthlyRating, MonthlyStep, PeriodWorkingTime)


def _month(value) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def refresh(now=None) -> int:
    """Rebuild every rollup row from the dossiers (a few GROUP BY queries); returns the row count.

    The rows of the running month are built too, as they stand at `now` (with the pending dossiers
    overdue at `now`), so the running period is served from them while they are fresh."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    rows = (_month_end_rows(now) + _running_end_rows(now) + _rating_rows(tz) + _step_rows(tz)
            + _working_time_rows(tz) + _count_rows(tz, now))
    with transaction.atomic():
        _serialise_writers()
        for model in ROLLUP_MODELS:
            model.objects.all().delete()
            model.objects.bulk_create([r for r in rows if isinstance(r, model)], batch_size=5000)
        RollupState.objects.all().delete()
        RollupState.objects.create(built_at=now, through=_month(now), running_at=now)
    if connection.vendor == "postgresql":  # fresh statistics: the planner sizes its aggregates from them
        with connection.cursor() as cursor:
            for model in ROLLUP_MODELS:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return len(rows)


def refresh_running(now=None) -> int:
    """Rebuild only the running month's rows, as they stand at `now` (every ten minutes, ADR 0043).

    A month that has turned since the last whole rebuild (or no rebuild at all) gets `refresh()`:
    the month just closed must be counted whole before anything is served from it."""
    now = now or timezone.now()
    state = _state()
    month = _month(now)
    if state is None or state.through != month:
        return refresh(now)
    tz = timezone.get_default_timezone()
    only = Period.of("month", month.year, month.month)
    rows = (_running_end_rows(now) + _rating_rows(tz, only) + _step_rows(tz, only)
            + _working_time_rows(tz, only) + _count_rows(tz, now, only))
    with transaction.atomic():
        _serialise_writers()
        MonthlyCount.objects.filter(month=month).delete()
        MonthlyRating.objects.filter(month=month).delete()
        MonthlyStep.objects.filter(month=month).delete()
        PeriodWorkingTime.objects.filter(kind="month", start=month).delete()
        MonthEndOverdue.objects.filter(month=_next_month(month)).delete()
        for model in ROLLUP_MODELS:
            model.objects.bulk_create([r for r in rows if isinstance(r, model)], batch_size=5000)
        RollupState.objects.filter(pk=state.pk).update(running_at=now)
    return len(rows)


def _within(field: str, period) -> Q:
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


_WRITERS_LOCK = 766_0043  # any number of ours; the advisory lock's key


def _serialise_writers():
    """One rebuild writes at a time (PostgreSQL; SQLite has one writer anyway). Without it the ten-minute
    rebuild's DELETE, started before the nightly one commits, would miss the running month's new rows
    and add its own beside them."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_WRITERS_LOCK])


def _count_rows(tz, now, only=None) -> list:
    """`MonthlyCount` rows: received, left (ended) and collected late per month; `only` (a month): its alone."""
    online = Q(channel=Channel.ONLINE)
    received = Dossier.objects.filter(received_at__isnull=False)
    collected = Dossier.objects.filter(rules.collected_after_appointment_q())
    ended = rules.annotate_clock(Dossier.objects.filter(received_at__isnull=False),
                                 utc_offset_seconds(now)).filter(ended_at__isnull=False)
    if only is not None:
        received = received.filter(_within("received_at", only))
        collected = collected.filter(_within("returned_at", only))
        ended = ended.filter(_within("ended_at", only))
    received = (
        received.order_by().annotate(m=TruncMonth("received_at", tzinfo=tz))
        .values("competent_unit_id", "receiving_agency_id", "procedure_id", "m")
        .annotate(total=Count("pk"), online=Count("pk", filter=online),
                  one_stop=Count("pk", filter=Q(channel__in=rules.ONE_STOP_CHANNELS)),
                  boundless=Count("pk", filter=Q(received_out_of_area=True)))
    )
    decided = rules.DECIDED
    complained = Exists(Petition.objects.filter(rules.counts_toward_complaints(), dossier_id=OuterRef("pk")))
    left = (
        ended.order_by().annotate(m=TruncMonth("ended_at", tzinfo=tz))
        .values("competent_unit_id", "receiving_agency_id", "procedure_id", "m")
        .annotate(total=Count("pk"), online=Count("pk", filter=online),
                  resolved=Count("pk", filter=decided), early=Count("pk", filter=decided & rules.EARLY),
                  on_time=Count("pk", filter=decided & rules.ON_TIME), late=Count("pk", filter=decided & rules.LATE),
                  withdrawn=Count("pk", filter=~decided), stopped=Count("pk", filter=rules.STOPPED),
                  online_late=Count("pk", filter=decided & rules.LATE & online),
                  i1_sum=Sum(rules.indicator1(), filter=decided), i3_sum=Sum(rules.indicator3(), filter=decided),
                  i4_sum=Sum(rules.indicator4(), filter=decided), i6_sum=Sum(rules.indicator6(), filter=decided),
                  i7_sum=Sum(rules.indicator7(complained), filter=decided))
    )
    collected = (
        collected.order_by().annotate(m=TruncMonth("returned_at", tzinfo=tz))
        .values("competent_unit_id", "receiving_agency_id", "procedure_id", "m")
        .annotate(total=Count("pk"))
    )
    rows = []
    sources = ((MonthlyCount.RECEIVED, received), (MonthlyCount.LEFT, left), (MonthlyCount.COLLECTED_LATE, collected))
    for kind, source in sources:
        for r in source.iterator(chunk_size=5000):
            rows.append(MonthlyCount(
                kind=kind, month=_month(r["m"]), unit_id=r["competent_unit_id"],
                agency_id=r["receiving_agency_id"], procedure_id=r["procedure_id"],
                **{k: r.get(k) or 0 for k in MEASURES},
            ))
    return rows


def _month_end_rows(now) -> list:
    """`MonthEndOverdue` rows: at each month's first instant, the dossiers pending and overdue then.

    One GROUP BY per month boundary, with the very rule the live figure uses (`rules.span_overdue_q`
    on the clock's history), so a rebuild gives a closed month the figure it had.
    """
    first = Dossier.objects.filter(received_at__isnull=False).order_by("received_at").values_list(
        "received_at", flat=True).first()
    if first is None:
        return []
    tz = timezone.get_default_timezone()
    out, month, through = [], _next_month(_month(first)), _month(now)
    while month <= through:
        out += _overdue_rows(dt.datetime(month.year, month.month, 1, tzinfo=tz), month)
        month = _next_month(month)
    return out


def _running_end_rows(now) -> list:
    """The running month's end state as it stands at `now`: the rows of the boundary after it, which
    the whole rebuild writes only once that boundary has passed."""
    return _overdue_rows(now, _next_month(_month(now)))


def _overdue_rows(instant, month) -> list:
    """`MonthEndOverdue` rows under `month`: the dossiers pending and overdue at `instant`."""
    source = (
        ClockSpan.objects.filter(rules.span_overdue_q(instant))
        .annotate(handling_ended_at=rules.ended_at_expr("dossier__"))
        .filter(rules.pending_at_q(instant, field="handling_ended_at")).order_by()
        .values(unit_id=F("dossier__competent_unit_id"), agency_id=F("dossier__receiving_agency_id"),
                procedure_id=F("dossier__procedure_id"))
        .annotate(n=Count("pk"), n_online=Count("pk", filter=Q(dossier__channel=Channel.ONLINE)))
    )
    return [MonthEndOverdue(month=month, unit_id=r["unit_id"], agency_id=r["agency_id"],
                            procedure_id=r["procedure_id"], overdue=r["n"], online_overdue=r["n_online"])
            for r in source.iterator(chunk_size=5000)]


def _rating_rows(tz, only=None) -> list:
    ratings = SatisfactionRating.objects.filter(dossier__competent_unit_id__isnull=False,
                                                dossier__receiving_agency_id__isnull=False)
    if only is not None:
        ratings = ratings.filter(_within("created_at", only))
    source = (
        ratings.order_by()
        .annotate(m=TruncMonth("created_at", tzinfo=tz))
        .values("dossier__competent_unit_id", "dossier__receiving_agency_id", "m")
        .annotate(total=Count("pk"), **{v: Count("pk", filter=Q(rating=v)) for v in Rating.values})
    )
    return [MonthlyRating(month=_month(r["m"]), unit_id=r["dossier__competent_unit_id"],
                          agency_id=r["dossier__receiving_agency_id"], total=r["total"],
                          **{v: r[v] for v in Rating.values}) for r in source.iterator(chunk_size=5000)]


def _step_rows(tz, only=None) -> list:
    scored = Q(allotted_seconds__isnull=False, working_seconds__isnull=False)
    measures = dict(
        steps=Count("pk"), late_steps=Count("pk", filter=rules.STEP_FINISHED_LATE),
        over_seconds=Sum(rules.step_over_seconds()),
        working_seconds=Sum("working_seconds"), allotted_seconds=Sum("allotted_seconds"),
        scored=Count("pk", filter=scored), score_sum=Sum(rules.step_score(), filter=scored),
    )
    base = (
        WorkItem.objects.filter(step_index__isnull=False, agency_id__isnull=False, finished__isnull=False)
        .exclude(status="CANCELED").order_by().annotate(m=TruncMonth("finished", tzinfo=tz))
    )
    if only is not None:
        base = base.filter(_within("finished", only))
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


def _working_time_rows(tz, only=None) -> list:
    """`PeriodWorkingTime` rows: one statement ranks the resolved dossiers of every (root, procedure, period).

    With `only` (the running month) only that month: a running quarter's or
    year's percentile would rank all its dossiers again every ten minutes, so those stay as the whole
    rebuild left them (the screen says when).

    Each dossier's working time (the sum of its steps', as `metrics.working_time_by_procedure`)
    is counted under every unit whose subtree holds its receiving unit and under its month,
    quarter and year; equal hundredths of an hour are merged before ranking, which keeps the
    percentile exact at the 0.01 h shown (rounding keeps the order) and shrinks the sort.
    """
    dossier = "process__dossier__"
    steps = (WorkItem.objects.filter(step_index__isnull=False, **{f"{dossier}resolved_at__isnull": False})
             .annotate(end_at=rules.ended_at_expr(dossier)))
    kinds = "SELECT 'month' AS kind UNION ALL SELECT 'quarter' UNION ALL SELECT 'year'"
    if only is not None:
        steps = steps.filter(_within("end_at", only))
        kinds = "SELECT 'month' AS kind"
    per_dossier = (
        steps.order_by()
        .values("process_id", wt_unit=F(f"{dossier}competent_unit_id"), wt_proc=F(f"{dossier}procedure_id"),
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
        kinds AS ({kinds}),
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


def _state():
    return RollupState.objects.order_by("-built_at").first()


def covers(period, now=None) -> bool:
    """Is the period served from rollups: whole months, ended no later than the last rebuild's month, or
    the period running now while the running month's rows are fresh (`running_as_of`)?"""
    state = _state()
    if state is None or period.kind not in ("month", "quarter", "year"):
        return False
    return _month(period.end) <= state.through or _running_fresh(state, period, now)


def _running_fresh(state, period, now=None) -> bool:
    now = now or timezone.now()
    built = state.running_at
    return (built is not None and built <= now <= built + RUNNING_FRESHNESS
            and _month(built) == state.through == _month(now) and period.start <= now < period.end)


def running_as_of(period, now=None):
    """When the rows serving this running period were built, or None when it is not served from them."""
    state = _state()
    if state is None or period.kind not in ("month", "quarter", "year") or _month(period.end) <= state.through:
        return None
    return state.running_at if _running_fresh(state, period, now) else None


def working_time_as_of(period, now=None):
    """When the working-time rows of a period served from the rollups were built: the running month's at
    its ten-minute rebuild, a running quarter's or year's at the last whole rebuild (they are not re-ranked
    in between); None for a closed period."""
    as_of = running_as_of(period, now)
    if as_of is None or period.kind == "month":
        return as_of
    return _state().built_at


KEY_MAP = {"competent_unit_id": "unit_id", "receiving_agency_id": "agency_id",
           "procedure__field_id": "procedure__field_id", "procedure_id": "procedure_id"}


def split_at_rollups(period):
    """(closed part, running part) of a quarter or a year that runs past the last rebuilt month: the
    closed months come from the rollups, the rest is counted live. None when no such split exists."""
    if period.kind not in ("quarter", "year"):
        return None
    state = _state()
    if state is None:
        return None
    tz = timezone.get_default_timezone()
    boundary = dt.datetime(state.through.year, state.through.month, 1, tzinfo=tz)
    if not period.start < boundary < period.end:
        return None
    closed = Period(period.kind, period.year, period.number, period.start, boundary)
    running = Period("month", boundary.year, boundary.month, boundary, period.end)
    return closed, running


def parts(period) -> list[tuple[bool, Period]]:
    """The period as (from the rollups?, part): wholly from the rollups when they cover it, its closed
    months from them and the rest live for a running quarter or year, else wholly live."""
    if covers(period):
        return [(True, period)]
    split = split_at_rollups(period)
    if split is None:
        return [(False, period)]
    return [(True, split[0]), (False, split[1])]


def grouped(unit_ids, period, keys: list[str], *, end_state: bool = True) -> list[dict]:
    """`metrics.grouped` from the rollups (keys among KEY_MAP); three small GROUP BY queries.

    `end_state=False` leaves out the state at the period's end (pending past the deadline, and the
    online dossiers overdue then): for a closed part whose end is not the figure's end."""
    m1, m2 = _month(period.start), _month(period.end)
    state = _state()
    # a running period's end state is the running month's, as it stood at its rebuild
    at_end = min(m2, _next_month(state.through)) if state else m2
    cols = [KEY_MAP[k] for k in keys]
    this_period = Q(month__gte=m1)
    base = MonthlyCount.objects.filter(unit_id__in=unit_ids).order_by()
    sources = {
        "r_": base.filter(kind=MonthlyCount.RECEIVED, month__lt=m2).values(*cols).annotate(
            received=Sum("total", filter=this_period), received_online=Sum("online", filter=this_period),
            received_one_stop=Sum("one_stop", filter=this_period), before=Sum("total", filter=Q(month__lt=m1))),
        "l_": base.filter(kind=MonthlyCount.LEFT, month__lt=m2).values(*cols).annotate(
            resolved=Sum("resolved", filter=this_period), early=Sum("early", filter=this_period),
            on_time=Sum("on_time", filter=this_period), late=Sum("late", filter=this_period),
            withdrawn=Sum("withdrawn", filter=this_period), stopped=Sum("stopped", filter=this_period),
            online_late=Sum("online_late", filter=this_period),
            before=Sum("total", filter=Q(month__lt=m1))),
        # the state at the period's end instant, counted when it was that instant's past
        "o_": MonthEndOverdue.objects.filter(unit_id__in=unit_ids, month=at_end).order_by().values(*cols).annotate(
            overdue=Sum("overdue"), online_overdue=Sum("online_overdue")),
    }
    if not end_state:
        del sources["o_"]
    merged: dict[tuple, dict] = {}
    for prefix, source in sources.items():
        for r in source:
            slot = merged.setdefault(tuple(r[c] for c in cols), {})
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
        overdue = g("o_overdue")
        if carried == received == resolved == withdrawn == pending == 0:
            continue  # nothing handled in the period (as the live query, which has no such row)
        row = dict(zip(keys, key, strict=True))
        row.update(
            received=received, received_online=g("r_received_online"), received_one_stop=g("r_received_one_stop"),
            carried_over=carried, resolved=resolved, early=g("l_early"), on_time=g("l_on_time"), late=g("l_late"),
            withdrawn=withdrawn, stopped=g("l_stopped"), pending=pending, pending_overdue=overdue,
            pending_within=pending - overdue,
            online_late=g("l_online_late") + g("o_online_overdue"),
        )
        out.append(derive(row))
    return out


def boundless_receipts(unit_ids, period) -> list[tuple]:
    """`metrics.boundless_receipts`' counts from the rollups: (receiving agency, its name, received,
    received for another competent unit) for the counters of these units (one GROUP BY)."""
    rows = (
        MonthlyCount.objects.filter(kind=MonthlyCount.RECEIVED, agency__unit_id__in=unit_ids,
                                    month__gte=_month(period.start), month__lt=_month(period.end))
        .order_by().values("agency_id", "agency__name").annotate(received_=Sum("total"), boundless_=Sum("boundless"))
    )
    return [(r["agency_id"], r["agency__name"], r["received_"], r["boundless_"]) for r in rows]


def collected_late(unit_ids, period) -> int:
    """`metrics.collected_late` from the rollups."""
    return MonthlyCount.objects.filter(unit_id__in=unit_ids, kind=MonthlyCount.COLLECTED_LATE,
                                       month__gte=_month(period.start), month__lt=_month(period.end)
                                       ).aggregate(n=Sum("total"))["n"] or 0


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


SCORE_SUMS = ("i1_sum", "i3_sum", "i4_sum", "i6_sum", "i7_sum")


def score_sums(unit_ids, period, key: str) -> dict:
    """Σ of each per-dossier indicator and the resolved count per group (key in KEY_MAP)."""
    col = KEY_MAP[key]
    rows = (
        MonthlyCount.objects.filter(unit_id__in=unit_ids, kind=MonthlyCount.LEFT, month__gte=_month(period.start),
                                    month__lt=_month(period.end))
        .order_by().values(col).annotate(resolved_=Sum("resolved"), **{m + "_": Sum(m) for m in SCORE_SUMS})
    )
    return {r[col]: {"evaluated": r["resolved_"] or 0, **{m[:2]: r[m + "_"] or 0 for m in SCORE_SUMS}}
            for r in rows}


def scores(unit_ids, period, key: str) -> dict:
    """`evaluation.averages` (indicators 1, 3, 4, 6, 7 per group) from the rollups; key in KEY_MAP."""
    return score_averages(score_sums(unit_ids, period, key), key)


def _in(model, unit_ids, period):
    return model.objects.filter(unit_id__in=unit_ids, month__gte=_month(period.start), month__lt=_month(period.end))


def rating_counts(unit_ids, period, key: str | None = None) -> dict:
    """Ratings given in the period per level, per group (key in KEY_MAP) or under the key None."""
    source = _in(MonthlyRating, unit_ids, period).order_by()
    sums = {v: Sum(v) for v in RATING_COUNTS}
    if key is None:
        return {None: {k: v or 0 for k, v in source.aggregate(**sums).items()}}
    col = KEY_MAP[key]
    return {r[col]: {v: r[v] or 0 for v in RATING_COUNTS} for r in source.values(col).annotate(**sums)}


def satisfaction(unit_ids, period) -> dict:
    """`metrics.satisfaction` from the rollups (one query)."""
    return rows_satisfaction(rating_counts(unit_ids, period)[None])


def satisfaction_by(unit_ids, period, key: str) -> dict:
    """`metrics.satisfaction_by` from the rollups; key receiving_agency_id or competent_unit_id."""
    return satisfied_shares(rating_counts(unit_ids, period, key))


def _steps(unit_ids, period, kind):
    agency_ids = list(Agency.objects.filter(unit_id__in=unit_ids).values_list("pk", flat=True))
    return MonthlyStep.objects.filter(kind=kind, agency_id__in=agency_ids, month__gte=_month(period.start),
                                      month__lt=_month(period.end)).order_by()


def step_sums(unit_ids, period) -> dict:
    """Σ indicator 2 and the scored steps per processing agency."""
    rows = _steps(unit_ids, period, MonthlyStep.STEP).values("agency_id").annotate(
        scored_=Sum("scored"), score_sum_=Sum("score_sum"))
    return {r["agency_id"]: {"scored": r["scored_"] or 0, "score_sum": r["score_sum_"] or 0} for r in rows}


def step_averages(unit_ids, period) -> dict:
    """`evaluation.step_averages` (indicator 2 per processing agency) from the rollups."""
    return rows_step_averages(step_sums(unit_ids, period))


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


def attribution_sums(unit_ids, period, by: str) -> dict:
    """The step sums per group of `metrics.attribution_live`'s keys, every group (late or not)."""
    kind, cols = ATTRIBUTION_KEYS[by]
    rows = _steps(unit_ids, period, kind).values(*cols.values()).annotate(
        **{"t_" + m: Sum(m) for m in STEP_SUMS})  # "t_": not to shadow the columns
    return {tuple(r[c] for c in cols.values()): {m: r["t_" + m] for m in STEP_SUMS} for r in rows}


def attribution(unit_ids, period, by: str) -> list[dict]:
    """`metrics.attribution` (late steps by agency, step or official) from the rollups."""
    keys = tuple(ATTRIBUTION_KEYS[by][1])
    return finish_attribution(attribution_rows(attribution_sums(unit_ids, period, by), keys), by)


def working_time_by_procedure(root, period) -> list[dict]:
    """`metrics.working_time_by_procedure` for the subtree of `root` and a standard period: one row per procedure."""
    rows = (
        PeriodWorkingTime.objects.filter(root=root, kind=period.kind, start=_month(period.start))
        .values_list("procedure_id", "dossiers", "seconds", "timed", "p90_hundredths")
    )
    return finish_working_time([(pid, n, s or 0, timed, None if h is None else h / 100)
                                        for pid, n, s, timed, h in rows])
