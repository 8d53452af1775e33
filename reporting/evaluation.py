"""The official evaluation of TT 01/2018/TT-VPCP Art. 13–14 (chấm điểm đánh giá giải quyết TTHC).

Each indicator's case is a rule of `reporting.rules`; here they are applied. Per resolved
dossier (Art. 14.1), scored 0/1/2 as SQL so the scorecard averages them with one GROUP BY:
1 total time vs the legal limit; 2 each agency's working time vs its allotment (the dossier's
worst step); 3 times the applicant came back to complete it; 4 bodies the applicant contacted;
6 public disclosure of its procedure; 7 attitude (complaints, timeliness).

Per counter/agency and unit (Art. 14.2):
- 5 one-stop reception: 2 if the share of in-force procedures of the unit's level handled
  entirely at the counter reaches the level's minimum (province 20%, district 50%, commune
  100%); else 1 if every in-force procedure is received and returned through the counter;
  else 0.
- 6 public disclosure: 2 if every in-force procedure of the level is both posted at the counter
  and published electronically, 1 if every one is at least one of them, else 0.
- 9 online services: 2 if ≥ 20% of in-force procedures are offered online, ≥ 30% of
  received dossiers were online and no online dossier was late (or overdue); 1 if some
  procedure is online, ≥ 15% online dossiers and none late; else 0.
- 8 (complaints handled on time) needs the complaint's legal handling time, which the catalog
  does not hold yet: not scored.
"""
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from petitions.models import Petition
from procedures.models import AdministrativeUnit, Procedure, UnitLevel
from workflows.models import Dossier, WorkItem

from . import metrics, rollups, rules
from .periods import Period
from .rows import add_sums, score_averages
from .rows import step_averages as step_average_rows

INDICATORS = {
    "i1": _("Chỉ số 1: Tổng thời gian giải quyết so với quy định"),
    "i2": _("Chỉ số 2: Thời gian của từng cơ quan, đơn vị so với quy định"),
    "i3": _("Chỉ số 3: Số lần phải liên hệ nơi tiếp nhận để hoàn thiện hồ sơ"),
    "i4": _("Chỉ số 4: Số cơ quan, đơn vị phải liên hệ để hoàn thiện hồ sơ"),
    "i5": _("Chỉ số 5: Tiếp nhận, giải quyết, trả kết quả tại Bộ phận Một cửa"),
    "i6": _("Chỉ số 6: Công khai thủ tục hành chính"),
    "i7": _("Chỉ số 7: Thái độ của cán bộ (đúng hạn, không bị phản ánh)"),
    "i9": _("Chỉ số 9: Tiến độ và chất lượng cung cấp dịch vụ công trực tuyến"),
}
LEVEL_MINIMUM = {"province": 20.0, "district": 50.0, "commune": 100.0}
PER_DOSSIER = ("i1", "i3", "i4", "i6", "i7")


def _complained():
    return Exists(Petition.objects.filter(rules.counts_toward_complaints(), dossier_id=OuterRef("pk")))


def _worst_step():
    return (
        WorkItem.objects.filter(process_id=OuterRef("process_id"), step_index__isnull=False,
                                allotted_seconds__isnull=False, working_seconds__isnull=False)
        .order_by().values("process_id").annotate(score=Min(rules.step_score())).values("score")
    )


def scored(qs, period: Period):
    """Resolved dossiers of the period, annotated with the per-dossier indicators (rules.indicatorN)."""
    conds = metrics._conditions(period, period.end)
    return (
        metrics.handled(qs, period).filter(conds["resolved"])
        .annotate(
            i1=rules.indicator1(),
            i2=Coalesce(Subquery(_worst_step(), output_field=IntegerField()), Value(2)),
            i3=rules.indicator3(), i4=rules.indicator4(), i6=rules.indicator6(),
            i7=rules.indicator7(_complained()),
        )
    )


def dossier_scores(dossier, period: Period | None = None) -> dict | None:
    """The scores of one dossier (None while it is not resolved), plus indicator 2 per agency."""
    row = (
        scored(Dossier.objects.filter(pk=dossier.pk), period or Period.all_time())
        .values("i1", "i2", "i3", "i4", "i6", "i7").first()
    )
    if row is None:
        return None
    row["by_agency"] = list(
        WorkItem.objects.filter(process_id=dossier.process_id, step_index__isnull=False,
                                allotted_seconds__isnull=False, working_seconds__isnull=False)
        .order_by().values("agency_id", "agency__name").annotate(score=Min(rules.step_score()))
        .order_by("agency__name")
    )
    return row


def score_sums(qs, period: Period, key: str) -> dict:
    """Σ of each per-dossier indicator (i1, i3, i4, i6, i7) and the resolved count per group key (one GROUP BY).

    Sums, not averages, so that a running period adds its closed months' rollups to its live part.
    Indicator 2 is averaged per processing agency by `step_averages` instead: a correlated
    per-dossier subquery here would cost a work-item probe per dossier.
    """
    conds = metrics._conditions(period, period.end)
    cases = {"i1": rules.indicator1(), "i3": rules.indicator3(), "i4": rules.indicator4(),
             "i6": rules.indicator6(), "i7": rules.indicator7(_complained())}
    rows = (
        metrics.handled(qs, period).filter(conds["resolved"]).order_by().values(key)
        .annotate(evaluated_=Count("pk"), **{name + "_": Sum(case) for name, case in cases.items()})
    )
    return {r[key]: {"evaluated": r["evaluated_"], **{name: r[name + "_"] or 0 for name in cases}} for r in rows}


def averages(qs, period: Period, key: str) -> dict:
    """Average dossier scores (i1, i3, i4, i6, i7) per group key, e.g. receiving_agency_id, counted live."""
    return score_averages(score_sums(qs, period, key), key)


def scores(unit_ids, period: Period, key: str, qs) -> dict:
    """`averages` for units (qs: their dossiers): from the rollups, live, or a running period's
    closed months from the rollups plus its running month live."""
    return score_averages(add_sums(*(rollups.score_sums(unit_ids, part, key) if stored else score_sums(qs, part, key)
                                     for stored, part in rollups.parts(period))), key)


def step_sums(unit_ids, period: Period) -> dict:
    """Σ indicator 2 and the scored steps per processing agency, over the steps it finished in the period."""
    rows = (
        metrics.task_scope(unit_ids)
        .filter(finished__gte=period.start, finished__lt=period.end,
                allotted_seconds__isnull=False, working_seconds__isnull=False)
        .order_by().values("agency_id").annotate(score_sum_=Sum(rules.step_score()), scored_=Count("pk"))
    )
    return {r["agency_id"]: {"scored": r["scored_"], "score_sum": r["score_sum_"] or 0} for r in rows}


def step_averages(unit_ids, period: Period) -> dict:
    """Indicator 2 averaged per processing agency over the steps it finished in the period, counted live."""
    return step_average_rows(step_sums(unit_ids, period))


def indicator2(unit_ids, period: Period) -> dict:
    """`step_averages` from the rollups, live, or both for a running period (the sums add)."""
    return step_average_rows(add_sums(*(rollups.step_sums(unit_ids, part) if stored else step_sums(unit_ids, part)
                                        for stored, part in rollups.parts(period))))


def indicator5_by_level(level_ids, on=None) -> dict:
    """Indicator 5 per level id for the in-force catalog (two queries, whatever the number of units)."""
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


def indicator6_by_level(level_ids, on=None) -> dict:
    """Indicator 6 per level id: how the level's in-force procedures are disclosed (one query)."""
    on = on or timezone.localdate()
    both = Q(posted_at_counter=True, published_electronically=True)
    either = Q(posted_at_counter=True) | Q(published_electronically=True)
    rows = (
        Procedure.objects.in_force(on).filter(level_id__in=level_ids).order_by().values("level_id")
        .annotate(total=Count("pk"), both=Count("pk", filter=both), either=Count("pk", filter=either))
    )
    out = {lid: {"score": 0, "total": 0} for lid in level_ids}
    for r in rows:
        score = 2 if r["both"] == r["total"] else (1 if r["either"] == r["total"] else 0)
        out[r["level_id"]] = {"score": score if r["total"] else 0, "total": r["total"]}
    return out


def online_services_share(level_ids, on=None) -> dict:
    """Share of in-force procedures offered online, per level id (one query)."""
    on = on or timezone.localdate()
    rows = (
        Procedure.objects.in_force(on).filter(level_id__in=level_ids).order_by().values("level_id")
        .annotate(total=Count("pk"), online=Count("pk", filter=rules.ONLINE_SERVICE))
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
