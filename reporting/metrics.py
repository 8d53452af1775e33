"""Oversight figures (số liệu giám sát), each one database aggregate — never a loop over dossiers.

Every definition comes from `reporting.rules` (docs/metrics.md says the same in words, and
`DEFINITIONS` below for the screens):

- A dossier is *handled* in a period [start, end) if it was received before `end` and its
  handling had not ended before `start`. Handled = carried over (received before `start`) + received.
- Handled dossiers split into resolved (handling ended in the period with a decision), withdrawn
  or refused (ended without one), and pending (not ended at `end`); so every row reconciles:
  carried over + received = resolved + withdrawn + pending.
- Timeliness of a resolved dossier: `rules.EARLY` / `ON_TIME` / `LATE` at the end of handling
  against the legal due time.
- A pending dossier is overdue if, at the period's end (or now, for a period not yet over), its
  clock was running and its legal due time had passed (`rules.overdue_at_q`, from the clock's
  history, so a closed period's figure never changes).
"""
import datetime as dt

from django.db import connection
from django.db.models import Count, DateTimeField, DurationField, ExpressionWrapper, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit, Agency, OnestopTarget, Procedure, ProcedureStep
from workflows.models import Channel, Dossier, Rating, WorkItem

from . import rollups, rules
from .periods import Period, utc_offset_seconds
from .rows import (
    COUNT_KEYS,
    STEP_SUMS,
    add_sums,
    attribution_rows,
    derive,
    finish_attribution,
    finish_working_time,
    hundredths_of_hour,
    satisfied_shares,
)
from .rows import satisfaction as satisfaction_row

BASELINE_TARGET = 68.0

# The figure definitions the screens show "one click away" (docs/metrics.md says the same).
DEFINITIONS = {
    "received": _("Hồ sơ tiếp nhận trong kỳ: thời điểm tiếp nhận trong kỳ (hồ sơ trực tuyến tính từ khi được "
                  "tiếp nhận, không tính khi mới nộp)."),
    "carried_over": _("Kỳ trước chuyển qua: tiếp nhận trước kỳ và chưa trả, chưa rút, chưa có kết quả khi bắt "
                      "đầu kỳ."),
    "resolved": _("Đã giải quyết: có quyết định (đồng ý hoặc từ chối giải quyết) và đã có kết quả chuyển Bộ phận "
                  "Một cửa trong kỳ; thời điểm công dân nhận kết quả không làm thay đổi số liệu."),
    "early": _("Trước hạn: kết thúc vào một ngày trước ngày của hạn giải quyết theo quy định."),
    "on_time": _("Đúng hạn: kết thúc trong ngày của hạn giải quyết, không muộn hơn thời điểm hết hạn "
                 "(trả đúng thời điểm hết hạn vẫn là đúng hạn)."),
    "late": _("Quá hạn: kết thúc sau hạn giải quyết theo quy định (gia hạn không làm thay đổi hạn này; thời "
              "gian tạm dừng chờ bổ sung đã được cộng vào hạn)."),
    "pending_within": _("Đang giải quyết trong hạn: chưa kết thúc ở cuối kỳ và chưa quá hạn theo quy định, kể cả "
                        "hồ sơ đang chờ công dân bổ sung (thời gian chờ không tính vào thời hạn)."),
    "pending_overdue": _("Đang giải quyết quá hạn: chưa kết thúc ở cuối kỳ (hoặc hiện tại, nếu kỳ chưa hết), "
                         "không chờ công dân bổ sung, và đã qua hạn giải quyết theo quy định."),
    "collected_late": _("Nhận kết quả sau ngày hẹn: công dân nhận kết quả trong kỳ, sau ngày hẹn trả (phía công "
                        "dân; không ảnh hưởng tính đúng hạn của cơ quan)."),
    "withdrawn": _("Rút, dừng hoặc từ chối: kết thúc trong kỳ mà không có quyết định giải quyết."),
    "stopped": _("Dừng giải quyết theo đề nghị (Điều 21 Nghị định 118/2025/NĐ-CP): kết thúc trong kỳ theo đề "
                 "nghị của tổ chức, cá nhân, trước khi có quyết định; đã tính trong số rút, dừng, từ chối."),
    "on_time_rate": _("Tỷ lệ đúng hạn: (trước hạn + đúng hạn) ÷ đã giải quyết."),
    "online_share": _("Tỷ lệ hồ sơ trực tuyến: hồ sơ tiếp nhận trực tuyến ÷ hồ sơ tiếp nhận trong kỳ."),
    "dossier_one_stop_share": _("Tỷ lệ hồ sơ qua Bộ phận Một cửa: hồ sơ tiếp nhận trực tiếp, trực tuyến hoặc "
                                "bưu chính qua Bộ phận Một cửa ÷ tất cả hồ sơ được ghi nhận (kể cả hồ sơ các "
                                "cơ quan tiếp nhận ngoài Bộ phận Một cửa)."),
    "catalog_one_stop_share": _("Tỷ lệ TTHC qua Bộ phận Một cửa: số TTHC còn hiệu lực của cấp đơn vị được tiếp "
                                "nhận và trả kết quả qua Bộ phận Một cửa ÷ tất cả TTHC còn hiệu lực của cấp đó, "
                                "so với chỉ tiêu (mặc định 68%)."),
    "working_time": _("Thời gian xử lý: tổng thời gian làm việc của các bước xử lý của hồ sơ đã giải quyết "
                      "(giờ làm việc); trung bình và phân vị 90 (90% hồ sơ không quá giá trị này)."),
    "satisfaction": _("Mức độ hài lòng: số đánh giá từng mức ÷ tổng số đánh giá của hồ sơ trong phạm vi, "
                      "đánh giá trong kỳ."),
    "late_steps": _("Bước chậm: bước xử lý kết thúc sau hạn của bước, hoặc dùng nhiều thời gian làm việc hơn "
                    "thời gian được phân bổ; giờ vượt = tổng (thời gian làm việc − phân bổ) của các bước vượt."),
    "boundless": _("Tiếp nhận không phụ thuộc địa giới hành chính (Điều 14 Nghị định 118/2025/NĐ-CP): hồ sơ "
                   "nơi tiếp nhận đã nhận trong kỳ cho đơn vị có thẩm quyền khác (nơi cư trú của người yêu cầu "
                   "hoặc nơi có đất, tài sản); hồ sơ được tính số liệu giải quyết cho đơn vị có thẩm quyền, "
                   "chỉ số này tính cho nơi tiếp nhận."),
    "evaluation": _("Chấm điểm theo Điều 13–14 Thông tư 01/2018/TT-VPCP: chỉ số 1–4, 6 và 7 cho từng hồ sơ, "
                    "5, 6, 8 và 9 cho Bộ phận Một cửa và cơ quan; điểm 0, 1 hoặc 2."),
}


# --- scope -------------------------------------------------------------------------------


def subtree_ids(unit: AdministrativeUnit) -> list[int]:
    """The unit and its descendants, resolved first so queries filter on a literal id list."""
    return list(AdministrativeUnit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))


def in_units(qs, unit_ids, field="competent_unit_id"):
    return qs.filter(**{f"{field}__in": unit_ids})


def boundless_receipts(unit_ids, period: Period) -> list[dict]:
    """Per receiving counter of these units: dossiers received in the period, and those received for
    another competent unit (NĐ 118/2025 Art. 14) — the receiving centre's own figure, while every other
    figure counts the dossier for its competent unit. One GROUP BY, on the rollups when they cover the
    period (a quarter's receipts at 10M dossiers are seconds live)."""
    if rollups.covers(period):
        counts = rollups.boundless_receipts(unit_ids, period)
    else:
        counts = [(r["receiving_agency_id"], r["receiving_agency__name"], r["received"], r["boundless"]) for r in (
            Dossier.objects.filter(receiving_unit_id__in=unit_ids, received_at__gte=period.start,
                                   received_at__lt=period.end)
            .order_by().values("receiving_agency_id", "receiving_agency__name")
            .annotate(received=Count("pk"), boundless=Count("pk", filter=Q(received_out_of_area=True))))]
    result = [{"agency_id": agency_id, "name": name, "received": received, "boundless": boundless,
               "share": round(100 * boundless / received, 2)}
              for agency_id, name, received, boundless in counts if boundless]
    return sorted(result, key=lambda r: (-r["boundless"], r["name"]))


# --- expressions -------------------------------------------------------------------------


def _offset(instant: dt.datetime) -> int:
    return utc_offset_seconds(instant)


def _conditions(period: Period, as_of: dt.datetime) -> dict[str, Q]:
    """Each count of a period as a filter on `handled(qs, period)`, from the named rules."""
    resolved = rules.ended_in_q(period) & rules.DECIDED
    pending = rules.pending_at_q(period.end)
    overdue = pending & rules.overdue_at_q(as_of)
    received = Q(received_at__gte=period.start)
    return {
        "received": received,
        "received_online": received & Q(channel=Channel.ONLINE),
        "received_one_stop": received & Q(channel__in=rules.ONE_STOP_CHANNELS),
        "carried_over": Q(received_at__lt=period.start),
        "resolved": resolved,
        "early": resolved & rules.EARLY,
        "on_time": resolved & rules.ON_TIME,
        "late": resolved & rules.LATE,
        "withdrawn": rules.ended_in_q(period) & ~rules.DECIDED,
        "stopped": rules.ended_in_q(period) & rules.STOPPED,
        "pending": pending,
        "pending_overdue": overdue,
        "pending_within": pending & ~rules.overdue_at_q(as_of),
        # online dossiers resolved late or overdue while pending (indicator 9)
        "online_late": Q(channel=Channel.ONLINE) & ((resolved & rules.LATE) | overdue),
    }


def _counts(conds: dict[str, Q]) -> dict:
    return {key: Count("pk", filter=conds[key]) for key in COUNT_KEYS}


def handled(qs, period: Period):
    """The dossiers handled in the period, annotated by `rules.annotate_clock`."""
    return rules.annotate_clock(qs, _offset(period.start)).filter(rules.handled_q(period))


def summary(qs, period: Period, now=None) -> dict:
    """One row of counts for the whole scope (one query)."""
    conds = _conditions(period, period.as_of(now))
    return derive(handled(qs, period).aggregate(**_counts(conds)))


def grouped(qs, period: Period, keys: list[str], now=None) -> list[dict]:
    """Counts per group (e.g. ["competent_unit", "procedure__field"]), one GROUP BY query."""
    conds = _conditions(period, period.as_of(now))
    rows = handled(qs, period).order_by().values(*keys).annotate(**_counts(conds)).order_by(*keys)
    return [derive(r) for r in rows]


def counts(unit_ids, period: Period, keys: list[str], qs=None, now=None) -> list[dict]:
    """`grouped` for units: from the monthly rollups when they cover the period, else live.

    The rollups hold every dossier of the units; callers pass unit ids already limited to
    the user's reach (oversight.scope), so the result equals the scoped live query.
    """
    if rollups.covers(period):
        return rollups.grouped(unit_ids, period, keys)
    live = in_units(Dossier.objects.all() if qs is None else qs, unit_ids)
    split = rollups.split_at_rollups(period)
    if split is None:
        return grouped(live, period, keys, now=now)
    # The current quarter or year: its closed months from the rollups, the running month live (on the
    # index of the instant handling ends), so the figure costs a month of dossiers, not a year.
    closed, running = split
    return joined(rollups.grouped(unit_ids, closed, keys, end_state=False), grouped(live, running, keys, now=now),
                  keys)


# Counts of a period that add up over its parts; the rest is the state at the start or at the end.
_ADDITIVE = ("received", "received_online", "received_one_stop", "resolved", "early", "on_time", "late",
             "withdrawn", "stopped", "online_late")
_AT_END = ("pending", "pending_overdue", "pending_within")


def joined(first: list[dict], second: list[dict], keys: list[str]) -> list[dict]:
    """Rows of two consecutive parts of a period as rows of the whole: flows added, the carried-over
    count from the first part, the pending state from the second (`first` without its end state)."""
    def by_key(rows):
        return {tuple(r[k] for k in keys): r for r in rows}

    a, b = by_key(first), by_key(second)
    out = []
    for key in sorted(a.keys() | b.keys(), key=lambda k: tuple(v if v is not None else 0 for v in k)):
        ra, rb = a.get(key, {}), b.get(key, {})
        row = dict(zip(keys, key, strict=True))
        row.update({name: ra.get(name, 0) + rb.get(name, 0) for name in _ADDITIVE})
        row.update({name: rb.get(name, 0) for name in _AT_END})
        row["carried_over"] = ra.get("carried_over", 0) if ra else rb.get("carried_over", 0)
        out.append(derive(row))
    return out


def collected_late(qs, period: Period) -> int:
    """Results collected in the period after their appointment: the citizen's side, apart from timeliness."""
    return qs.filter(rules.collected_after_appointment_q(), returned_at__gte=period.start,
                     returned_at__lt=period.end).count()


def total(rows: list[dict]) -> dict:
    """Sum rows of counts into one (the summary from a per-unit breakdown)."""
    out = {k: sum(r[k] for r in rows) for k in COUNT_KEYS}
    return derive(out)


def trend(unit_ids, period: Period, qs=None) -> list[dict]:
    """`monthly_trend` for units: closed months from the rollups, the months after them live."""
    if rollups.covers(period):
        return rollups.trend(unit_ids, period)
    live = in_units(Dossier.objects.all() if qs is None else qs, unit_ids)
    split = rollups.split_at_rollups(period)
    if split is None:
        return monthly_trend(live, period)
    closed, running = split
    return rollups.trend(unit_ids, closed) + monthly_trend(live, running)


def monthly_trend(qs, period: Period) -> list[dict]:
    """Resolved dossiers per month of resolution: early/on time/late (one GROUP BY)."""
    conds = _conditions(period, period.end)
    tz = timezone.get_default_timezone()
    rows = (
        handled(qs, period).filter(conds["resolved"])
        .annotate(month=TruncMonth("ended_at", tzinfo=tz)).order_by().values("month")
        .annotate(resolved=Count("pk"), late=Count("pk", filter=conds["late"]))
        .order_by("month")
    )
    out = []
    for r in rows:
        month = r["month"]
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month, tz) if timezone.is_aware(month) else month
            month = month.date()
        rate = round(100.0 * (r["resolved"] - r["late"]) / r["resolved"], 1) if r["resolved"] else None
        out.append({"month": month, "resolved": r["resolved"], "late": r["late"], "on_time_rate": rate})
    return out


def rating_counts(qs, period: Period, key: str | None = None) -> dict:
    """Ratings given in the period for dossiers in scope, per level: per group of the rated dossiers
    (e.g. receiving_agency_id), or under the key None for the whole scope (one query).

    Joined from the dossier side rather than `rating.dossier_id IN (scope)`: a plain join lets
    the planner start from the period's ratings, where the semi-join hashed the whole scope.
    """
    counts = dict(total=Count("rating"),
                  **{value: Count("rating", filter=Q(rating__rating=value)) for value in Rating.values})
    if key is None:
        return {None: _rated_in(qs, period).aggregate(**counts)}
    groups = _rated_in(qs, period).order_by().values(key).annotate(**counts)
    return {r[key]: {name: r[name] for name in counts} for r in groups}


def satisfaction(qs, period: Period) -> dict:
    """Ratings given in the period for dossiers in scope: counts and each level's share."""
    return satisfaction_row(rating_counts(qs, period)[None])


def satisfaction_by(qs, period: Period, key: str) -> dict:
    """Satisfied share of ratings per group of the rated dossiers (e.g. receiving_agency_id), one GROUP BY."""
    return satisfied_shares(rating_counts(qs, period, key))


def _rated_in(qs, period: Period):
    return qs.filter(rating__created_at__gte=period.start, rating__created_at__lt=period.end)


# --- working time per procedure (average and 90th percentile) ------------------------------


def working_time_by_procedure(qs, period: Period) -> list[dict]:
    """Per procedure: resolved dossiers, average and nearest-rank 90th-percentile working hours.

    A dossier's working time is the sum of its processing steps' working seconds. The
    per-dossier sums come from one ORM GROUP BY; the percentile is a window function over
    it (portable SQL: ROW_NUMBER and COUNT over the procedure).
    """
    conds = _conditions(period, period.end)
    resolved_ids = handled(qs, period).filter(conds["resolved"]).values("process_id")
    per_dossier = (
        WorkItem.objects.filter(process_id__in=resolved_ids, step_index__isnull=False)
        .order_by().values("process_id").annotate(secs=Sum("working_seconds")).values("process_id", "secs")
    )
    inner, params = per_dossier.query.sql_with_params()
    dossier_table = Dossier._meta.db_table
    # NULL working times rank last on every database (SQLite would put them first by default)
    sql = f"""
        SELECT ranked.procedure_id, COUNT(*), SUM(ranked.secs), COUNT(ranked.secs),
               MIN(CASE WHEN ranked.rn * 10 >= ranked.n * 9 THEN ranked.secs END)
        FROM (
            SELECT d.procedure_id AS procedure_id, per.secs AS secs,
                   ROW_NUMBER() OVER (PARTITION BY d.procedure_id ORDER BY per.secs NULLS LAST) AS rn,
                   COUNT(*) OVER (PARTITION BY d.procedure_id) AS n
            FROM ({inner}) per JOIN {dossier_table} d ON d.process_id = per.process_id
        ) ranked
        GROUP BY ranked.procedure_id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(pid, n, total, timed, None if p90 is None else hundredths_of_hour(p90) / 100)
                for pid, n, total, timed, p90 in cursor.fetchall()]
    return finish_working_time(rows)


# --- catalog one-stop share (tỷ lệ TTHC qua Bộ phận Một cửa) --------------------------------


def catalog_share(unit: AdministrativeUnit, on: dt.date | None = None) -> dict:
    """In-force procedures of the levels present in the unit's subtree: one-stop ÷ all, by level and field.

    Procedures are shared per level, so a district's subtree counts the district level's
    catalog and the commune level's catalog once each. Two small queries (levels, counts).
    """
    on = on or timezone.localdate()
    level_ids = set(
        AdministrativeUnit.objects.filter(path__startswith=unit.path).values_list("level_id", flat=True).distinct()
    )
    rows = list(
        Procedure.objects.in_force(on).filter(level_id__in=level_ids).order_by()
        .values("level_id", "level__name", "level__rank", "field_id", "field__name")
        .annotate(total=Count("pk"), one_stop=Count("pk", filter=Q(is_one_stop=True)))
        .order_by("level__rank", "field__name")
    )
    by_level: dict[int, dict] = {}
    for r in rows:
        r["share"] = round(100.0 * r["one_stop"] / r["total"], 1) if r["total"] else None
        lv = by_level.setdefault(r["level_id"], {"level_id": r["level_id"], "level": r["level__name"],
                                                  "rank": r["level__rank"], "total": 0, "one_stop": 0})
        lv["total"] += r["total"]
        lv["one_stop"] += r["one_stop"]
    for lv in by_level.values():
        lv["share"] = round(100.0 * lv["one_stop"] / lv["total"], 1) if lv["total"] else None
    total = sum(r["total"] for r in rows)
    one_stop = sum(r["one_stop"] for r in rows)
    return {
        "by_field": rows,
        "by_level": sorted(by_level.values(), key=lambda lv: lv["rank"]),
        "total": total, "one_stop": one_stop,
        "share": round(100.0 * one_stop / total, 1) if total else None,
        "target": target_for(unit, on.year),
    }


def target_for(unit: AdministrativeUnit, year: int) -> float:
    """The unit's target, else its nearest ancestor's, else the 68% baseline (one query)."""
    ancestor_ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    targets = dict(
        OnestopTarget.objects.filter(unit_id__in=ancestor_ids, year=year).values_list("unit_id", "share_percent")
    )
    for uid in reversed(ancestor_ids):
        if uid in targets:
            return float(targets[uid])
    return BASELINE_TARGET


def not_one_stop(unit: AdministrativeUnit, on: dt.date | None = None) -> list[dict]:
    """In-force procedures of the subtree's levels not yet handled through the counter, by competent agency kind."""
    on = on or timezone.localdate()
    level_ids = AdministrativeUnit.objects.filter(path__startswith=unit.path).values("level_id")
    return list(
        Procedure.objects.in_force(on).filter(level_id__in=level_ids, is_one_stop=False)
        .order_by("competent_agency_kind__name", "level__rank", "code")
        .values("pk", "code", "name", "level__name", "field__name", "competent_agency_kind__name")
    )


def counter_only_procedure_ids(level_ids) -> set[int]:
    """Procedures whose every step is handled at a one-stop counter (appraised and decided there)."""
    non_counter = ProcedureStep.objects.filter(agency_kind__is_one_stop_counter=False).values("procedure_id")
    return set(
        Procedure.objects.filter(level_id__in=level_ids).exclude(pk__in=non_counter).values_list("pk", flat=True)
    )


# --- delay audit (kiểm tra chậm trễ) --------------------------------------------------------


def overdue_dossiers(qs, now=None):
    """Overdue dossiers (`rules.overdue_q`), most late first (lateness = now − legal due time)."""
    now = now or timezone.now()
    return qs.filter(rules.overdue_q(now)).annotate(
        lateness=ExpressionWrapper(Value(now) - F("original_due_at"), output_field=DurationField()))


def at_risk_dossiers(qs, now=None):
    """Dossiers at risk (`rules.at_risk_q`): little working time left before the appointment."""
    now = now or timezone.now()
    return qs.filter(rules.at_risk_q(now))


def task_scope(unit_ids):
    """Processing steps held by agencies of the units (a literal agency id list: no join to dossiers).

    A supervisor answers for the agencies in their subtree, including their steps on dossiers
    received elsewhere (liên thông: a commune's dossier at the district is the district's step).
    """
    agency_ids = list(Agency.objects.filter(unit_id__in=unit_ids).values_list("pk", flat=True))
    return WorkItem.objects.filter(agency_id__in=agency_ids, step_index__isnull=False).exclude(status="CANCELED")


def late_tasks(tasks, now=None):
    """Late steps among `tasks` (e.g. `task_scope(unit_ids)`), with `lateness` and `over_seconds`."""
    now = now or timezone.now()
    end = Coalesce("finished", Value(now), output_field=DateTimeField())
    return (
        tasks.filter(rules.step_late_q(now))
        .annotate(over_seconds=ExpressionWrapper(
            Coalesce(F("working_seconds"), Value(0)) - Coalesce(F("allotted_seconds"), Value(0)),
            output_field=IntegerField()),
            lateness=ExpressionWrapper(end - F("due_at"), output_field=DurationField()))
        .select_related("agency", "owner", "process__dossier", "process__dossier__procedure")
    )


ATTRIBUTION_KEYS = {
    "agency": ("agency_id", "agency__name"),
    # by procedure version (its id): two versions of a code may have different steps
    "step": ("process__dossier__procedure_id", "process__dossier__procedure__code",
             "process__dossier__procedure__name", "step_index"),
    "official": ("owner_id", "owner__username", "owner__first_name", "owner__last_name"),
}


def attribution_sums(unit_ids, period: Period, by: str) -> dict:
    """Steps finished in the period per group of `by`: counts and seconds, every group (one GROUP BY)."""
    keys = ATTRIBUTION_KEYS[by]
    grouped_steps = (
        task_scope(unit_ids).filter(finished__gte=period.start, finished__lt=period.end)
        .order_by().values(*keys)
        .annotate(steps_=Count("pk"), late_steps_=Count("pk", filter=rules.STEP_FINISHED_LATE),
                  over_seconds_=Sum(rules.step_over_seconds()), working_seconds_=Sum("working_seconds"),
                  allotted_seconds_=Sum("allotted_seconds"))
    )
    return {tuple(r[k] for k in keys): {m: r[m + "_"] for m in STEP_SUMS} for r in grouped_steps}


def attribution_live(unit_ids, period: Period, by: str, now=None) -> list[dict]:
    """Late steps finished in the period grouped by `agency`, `step` or `official`, counted live."""
    return finish_attribution(attribution_rows(attribution_sums(unit_ids, period, by), ATTRIBUTION_KEYS[by]), by)


def attribution(unit_ids, period: Period, by: str, now=None) -> list[dict]:
    """`attribution_live`, from the monthly rollups when they cover the period, or both for a running
    quarter or year (its closed months from the rollups, the running month live: the sums add)."""
    sums = add_sums(*(rollups.attribution_sums(unit_ids, part, by) if stored else attribution_sums(unit_ids, part, by)
                      for stored, part in rollups.parts(period)))
    return finish_attribution(attribution_rows(sums, ATTRIBUTION_KEYS[by]), by)


def ratings(unit_ids, period: Period, qs, key: str | None = None) -> dict:
    """`rating_counts` for units (qs: their dossiers): from the rollups, live, or both (they add)."""
    return add_sums(*(rollups.rating_counts(unit_ids, part, key) if stored else rating_counts(qs, part, key)
                      for stored, part in rollups.parts(period)))


def delay_breakdown(dossier: Dossier) -> dict:
    """One dossier: each step's allotted vs actual working time, who held it, pauses and extensions."""
    steps = list(
        WorkItem.objects.filter(process_id=dossier.process_id).select_related("agency", "owner")
        .order_by("created", "pk")
    )
    events = list(dossier.events.filter(action__in=["request_supplement", "supplement_received", "extend"])
                  .order_by("seq"))
    pauses = [
        {"at": e.at, "paused_hours": round(e.data.get("paused_working_seconds", 0) / 3600, 2),
         "rule": e.data.get("rule", "")}
        for e in events if e.action == "supplement_received"
    ]
    extensions = [
        {"at": e.at, "previous": e.data.get("previous_due_at"), "new": e.data.get("new_due_at"), "note": e.note}
        for e in events if e.action == "extend"
    ]
    return {"steps": steps, "pauses": pauses, "extensions": extensions,
            "requests": [e for e in events if e.action == "request_supplement"]}


__all__ = [
    "DEFINITIONS", "Period", "at_risk_dossiers", "attribution", "attribution_live", "catalog_share", "delay_breakdown",
    "grouped", "late_tasks", "monthly_trend", "not_one_stop", "overdue_dossiers", "satisfaction",
    "subtree_ids", "summary", "working_time_by_procedure",
]
