"""The official evaluation of TT 01/2018/TT-VPCP Art. 13–14 (chấm điểm đánh giá giải quyết TTHC).

Per dossier (resolved ones), scored 0/1/2 from the audit trail, as SQL expressions so the
scorecard averages them with one GROUP BY:

- 1 total time vs the legal limit: 2 early (an earlier day than the legal due time), 1 on
  time (the due day, not after the due instant), 0 late — the timeliness rule of
  `workflows.metrics`.
- 2 each agency's time vs its allotment, per step the agency held: 2 less working time than
  allotted, 1 exactly the allotment, 0 more; the dossier's score is its worst step's.
- 3 times the citizen had to come back to complete the dossier (supplement requests):
  0 → 2, 1 → 1, more → 0.
- 4 bodies the citizen had to contact to complete it: none (no supplement) → 2; only the
  one-stop counter (supplements go through it) → 1; a dossier recorded outside the counter
  that needed a supplement means contacting the agency itself as well → 0.
- 7 attitude: 0 if a complaint is recorded and not found unsubstantiated, or if late; else
  2 early, 1 on time.

Per counter/agency and unit:
- 5 one-stop reception: 2 if the share of in-force procedures of the unit's level handled
  entirely at the counter reaches the level's minimum (province 20%, district 50%, commune
  100%); else 1 if every in-force procedure is received and returned through the counter;
  else 0.
- 9 online services: 2 if ≥ 20% of in-force procedures are offered online, ≥ 30% of
  received dossiers were online and no online dossier was late (or overdue); 1 if some
  procedure is online, ≥ 15% online dossiers and none late; else 0.
"""
from django.db.models import Avg, Case, Count, Exists, F, IntegerField, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from procedures.models import AdministrativeUnit, OnlineLevel, Procedure

from . import metrics
from .models import Channel, Complaint, WorkItem

INDICATORS = {
    "i1": _("Chỉ số 1: Tổng thời gian giải quyết so với quy định"),
    "i2": _("Chỉ số 2: Thời gian của từng cơ quan, đơn vị so với quy định"),
    "i3": _("Chỉ số 3: Số lần phải liên hệ nơi tiếp nhận để hoàn thiện hồ sơ"),
    "i4": _("Chỉ số 4: Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ"),
    "i5": _("Chỉ số 5: Tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa"),
    "i7": _("Chỉ số 7: Thái độ của cán bộ (đúng hạn, không bị phản ánh)"),
    "i9": _("Chỉ số 9: Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến"),
}
LEVEL_MINIMUM = {"province": 20.0, "district": 50.0, "commune": 100.0}


def step_score():
    """Indicator 2 for one step: working time vs its allotment."""
    return Case(
        When(working_seconds__gt=F("allotted_seconds"), then=Value(0)),
        When(working_seconds=F("allotted_seconds"), then=Value(1)),
        default=Value(2), output_field=IntegerField(),
    )


def scored(qs, period: metrics.Period):
    """Resolved dossiers of the period, annotated with i1, i2, i3, i4, i7."""
    late = Q(end_at__gt=F("original_due_at"))
    early = Q(end_date__lt=F("due_date")) & ~late
    complaint = Complaint.objects.filter(dossier=OuterRef("pk"), unsubstantiated=False)
    worst_step = (
        WorkItem.objects.filter(process_id=OuterRef("process_id"), step_index__isnull=False,
                                allotted_seconds__isnull=False, working_seconds__isnull=False)
        .order_by().values("process_id").annotate(score=Min(step_score())).values("score")
    )
    conds = metrics._conditions(period, period.end)
    return (
        metrics.handled(qs, period).filter(conds["resolved"])
        .annotate(
            i1=Case(When(late, then=Value(0)), When(early, then=Value(2)), default=Value(1),
                    output_field=IntegerField()),
            i2=Coalesce(Subquery(worst_step, output_field=IntegerField()), Value(2)),
            i3=Case(When(supplement_count=0, then=Value(2)), When(supplement_count=1, then=Value(1)),
                    default=Value(0), output_field=IntegerField()),
            i4=Case(When(supplement_count=0, then=Value(2)), When(channel=Channel.OUTSIDE, then=Value(0)),
                    default=Value(1), output_field=IntegerField()),
            i7=Case(When(Exists(complaint), then=Value(0)), When(late, then=Value(0)),
                    When(early, then=Value(2)), default=Value(1), output_field=IntegerField()),
        )
    )


def dossier_scores(dossier, period: metrics.Period | None = None) -> dict | None:
    """The scores of one dossier (None while it is not resolved), plus indicator 2 per agency."""
    from .models import Dossier

    row = (
        scored(Dossier.objects.filter(pk=dossier.pk), period or _all_time())
        .values("i1", "i2", "i3", "i4", "i7").first()
    )
    if row is None:
        return None
    row["by_agency"] = list(
        WorkItem.objects.filter(process_id=dossier.process_id, step_index__isnull=False,
                                allotted_seconds__isnull=False, working_seconds__isnull=False)
        .order_by().values("agency_id", "agency__name").annotate(score=Min(step_score()))
        .order_by("agency__name")
    )
    return row


def _all_time():
    import datetime as dt

    from django.utils import timezone

    tz = timezone.get_default_timezone()
    return metrics.Period("all", 0, 0, dt.datetime(2000, 1, 1, tzinfo=tz), dt.datetime(2100, 1, 1, tzinfo=tz))


def averages(qs, period: metrics.Period, key: str) -> dict:
    """Average dossier scores (i1, i3, i4, i7) per group key, e.g. receiving_agency_id (one GROUP BY).

    Indicator 2 is averaged per processing agency by `step_averages` instead: a correlated
    per-dossier subquery here would cost a work-item probe per dossier.
    """
    late = Q(end_at__gt=F("original_due_at"))
    early = Q(end_date__lt=F("due_date")) & ~late
    conds = metrics._conditions(period, period.end)
    complained = Complaint.objects.filter(unsubstantiated=False).values("dossier_id")
    rows = (
        metrics.handled(qs, period).filter(conds["resolved"]).order_by().values(key)
        .annotate(
            evaluated=Count("pk"),
            i1=Avg(Case(When(late, then=Value(0)), When(early, then=Value(2)), default=Value(1),
                        output_field=IntegerField())),
            i3=Avg(Case(When(supplement_count=0, then=Value(2)), When(supplement_count=1, then=Value(1)),
                        default=Value(0), output_field=IntegerField())),
            i4=Avg(Case(When(supplement_count=0, then=Value(2)), When(channel=Channel.OUTSIDE, then=Value(0)),
                        default=Value(1), output_field=IntegerField())),
            i7=Avg(Case(When(pk__in=complained, then=Value(0)), When(late, then=Value(0)),
                        When(early, then=Value(2)), default=Value(1), output_field=IntegerField())),
        )
    )
    return {r[key]: {k: (round(float(v), 2) if k.startswith("i") and v is not None else v)
                     for k, v in r.items()} for r in rows}


def step_averages(unit_ids, period: metrics.Period) -> dict:
    """Indicator 2 averaged per processing agency over the steps it finished in the period."""
    rows = (
        metrics.task_scope(unit_ids)
        .filter(finished__gte=period.start, finished__lt=period.end,
                allotted_seconds__isnull=False, working_seconds__isnull=False)
        .order_by().values("agency_id").annotate(i2=Avg(step_score()), steps=Count("pk"))
    )
    return {r["agency_id"]: {"i2": round(float(r["i2"]), 2), "steps": r["steps"]} for r in rows}


def indicator5_by_level(level_ids, on=None) -> dict:
    """Indicator 5 per level id for the in-force catalog (two queries, whatever the number of units)."""
    from django.utils import timezone

    from procedures.models import UnitLevel

    on = on or timezone.localdate()
    counter_only = metrics.counter_only_procedure_ids(level_ids)
    rows = (
        Procedure.objects.in_force(on).filter(level_id__in=level_ids).order_by()
        .values("level_id", "level__code")
        .annotate(total=Count("pk"), one_stop=Count("pk", filter=Q(is_one_stop=True)),
                  counter=Count("pk", filter=Q(pk__in=counter_only)))
    )
    out = {lid: {"score": 0, "share": None, "counter_share": None, "total": 0} for lid in level_ids}
    codes = dict(UnitLevel.objects.filter(pk__in=level_ids).values_list("pk", "code"))
    for r in rows:
        total = r["total"]
        counter_share = 100.0 * r["counter"] / total if total else 0.0
        minimum = LEVEL_MINIMUM.get(codes.get(r["level_id"], ""), 100.0)
        score = 2 if total and counter_share >= minimum else (1 if total and r["one_stop"] == total else 0)
        out[r["level_id"]] = {"score": score, "share": round(100.0 * r["one_stop"] / total, 1) if total else None,
                              "counter_share": round(counter_share, 1), "total": total, "minimum": minimum}
    return out


def online_services_share(level_ids, on=None) -> dict:
    """Share of in-force procedures offered online, per level id (one query)."""
    from django.utils import timezone

    on = on or timezone.localdate()
    rows = (
        Procedure.objects.in_force(on).filter(level_id__in=level_ids).order_by().values("level_id")
        .annotate(total=Count("pk"), online=Count("pk", filter=~Q(online_level=OnlineLevel.NONE)))
    )
    return {r["level_id"]: (100.0 * r["online"] / r["total"] if r["total"] else 0.0) for r in rows}


def indicator9(services_share: float, row: dict) -> int:
    """Indicator 9 from the procedures offered online and a row of `metrics.grouped` counts."""
    online_share = row.get("online_share") or 0.0
    if row.get("online_late", 0) or services_share <= 0:
        return 0
    if services_share >= 20 and online_share >= 30:
        return 2
    if online_share >= 15:
        return 1
    return 0


def unit_level_ids(unit_ids) -> dict[int, int]:
    return dict(AdministrativeUnit.objects.filter(pk__in=unit_ids).values_list("pk", "level_id"))
