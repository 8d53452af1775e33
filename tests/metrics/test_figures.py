"""Every figure of March 2026 (tests/metrics/conftest.py) computed by hand, reproduced exactly."""
import pytest

from reporting import evaluation, metrics
from tests.world import at
from workflows.models import Dossier

MARCH = metrics.Period.of("month", 2026, 3)
LATER = at(2026, 4, 15)  # judged after the period: pending status is as of 1/4 00:00

pytestmark = pytest.mark.django_db


def _scores(march):
    rows = evaluation.scored(Dossier.objects.all(), MARCH).values("applicant_name", "i1", "i2", "i3", "i4", "i6", "i7")
    return {r.pop("applicant_name"): r for r in rows}


def test_the_period_is_a_half_open_local_month():
    assert MARCH.start == at(2026, 3, 1, 0, 0)
    assert MARCH.end == at(2026, 4, 1, 0, 0)
    assert metrics.Period.of("quarter", 2026, 4).end == at(2027, 1, 1, 0, 0)
    with pytest.raises(ValueError):
        metrics.Period.of("month", 2026, 13)


def test_the_summary_counts_match_the_hand_computed_month(march):
    s = metrics.summary(Dossier.objects.all(), MARCH, now=LATER)
    # received in March: A B C D E F G I J K (10); H carried over from February
    assert (s["received"], s["received_online"], s["direct"], s["carried_over"]) == (10, 1, 9, 1)
    # resolved: A K early; B E on time; C D H late
    assert (s["resolved"], s["early"], s["on_time"], s["late"]) == (7, 2, 2, 3)
    assert (s["pending"], s["pending_within"], s["pending_overdue"], s["withdrawn"]) == (3, 1, 2, 1)
    assert s["received_one_stop"] == 9  # K was recorded outside the counter
    assert s["online_share"] == 10.0
    assert s["dossier_one_stop_share"] == 90.0
    assert s["on_time_rate"] == round(100 * 4 / 7, 1)
    assert s["online_late"] == 1  # J, online and overdue
    assert s["carried_over"] + s["received"] == s["resolved"] + s["pending"] + s["withdrawn"]
    # B C E H collected after their appointment: the citizen's side, apart from timeliness
    assert metrics.collected_late(Dossier.objects.all(), MARCH) == 4


def test_a_result_ready_at_the_due_instant_is_on_time_and_a_minute_later_is_late(march):
    for d in (march.B, march.C):
        d.refresh_from_db()
    assert march.B.resolved_at == march.B.original_due_at
    assert (march.C.resolved_at - march.C.original_due_at).total_seconds() == 60
    scores = _scores(march)
    assert scores["B"]["i1"] == 1
    assert scores["C"]["i1"] == 0


def test_an_extension_does_not_help_and_a_pause_is_excluded(march):
    march.D.refresh_from_db()
    march.E.refresh_from_db()
    assert march.D.due_at == at(2026, 3, 9, 9) and march.D.original_due_at == at(2026, 3, 5, 9)
    assert march.E.original_due_at == at(2026, 3, 9, 9)  # 5/3 09:00 + 16 paused working hours
    scores = _scores(march)
    assert scores["D"]["i1"] == 0  # decided 5/3 11:00, inside the new appointment, still late
    assert scores["E"]["i1"] == 1  # decided 9/3 08:00, after the unpaused due time, on time


def test_the_evaluation_scores_each_dossier_by_hand(march):
    assert _scores(march) == {
        # every procedure is posted at the counter and published electronically: i6 = 2
        "A": {"i1": 2, "i2": 2, "i3": 2, "i4": 2, "i6": 2, "i7": 2},  # the complaint was unsubstantiated
        "B": {"i1": 1, "i2": 0, "i3": 2, "i4": 2, "i6": 2, "i7": 0},  # step 2: 57,600 s > 25,920 s; complaint
        "C": {"i1": 0, "i2": 0, "i3": 2, "i4": 2, "i6": 2, "i7": 0},  # step 2: 82,860 s
        "D": {"i1": 0, "i2": 0, "i3": 2, "i4": 2, "i6": 2, "i7": 0},  # step 1: 90,000 s > 60,480 s
        "E": {"i1": 1, "i2": 0, "i3": 1, "i4": 1, "i6": 2, "i7": 1},  # one supplement; step 2: 75,600 s
        "H": {"i1": 0, "i2": 0, "i3": 2, "i4": 2, "i6": 2, "i7": 0},  # step 2: 61,200 s > 25,920 s
        "K": {"i1": 2, "i2": 2, "i3": 1, "i4": 0, "i6": 2, "i7": 2},  # outside the counter + supplement
    }


def test_scores_average_per_receiving_agency_and_per_processing_agency(march):
    w = march.world
    avg = evaluation.averages(Dossier.objects.all(), MARCH, "receiving_agency_id")[w.counter.pk]
    assert avg["evaluated"] == 7
    assert (avg["i1"], avg["i3"], avg["i4"], avg["i7"]) == (
        round(6 / 7, 2), round(12 / 7, 2), round(11 / 7, 2), round(5 / 7, 2))
    steps = evaluation.step_averages(metrics.subtree_ids(w.district), MARCH)
    # UBND xã: A B C D E H K second steps → 2 0 0 2 0 0 2; justice: A B C D E E K K first steps
    assert steps[w.pc.pk] == {"i2": round(6 / 7, 2), "steps": 7}
    assert steps[w.justice.pk] == {"i2": round(14 / 8, 2), "steps": 8}


def test_the_monthly_trend_satisfaction_and_working_time(march):
    qs = Dossier.objects.all()
    trend = metrics.monthly_trend(qs, MARCH)
    assert [(t["month"].month, t["resolved"], t["late"]) for t in trend] == [(3, 7, 3)]
    sat = metrics.satisfaction(qs, MARCH)
    assert (sat["total"], sat["satisfied"], sat["normal"], sat["not_satisfied"]) == (3, 1, 1, 1)
    times = {r["procedure"]: r for r in metrics.working_time_by_procedure(qs, MARCH)}
    marriage = times["Cấp Giấy xác nhận tình trạng hôn nhân"]
    # per dossier: A 10,800; K 10,800; B 86,400; C 86,460; H 90,000; D 93,600 seconds
    assert marriage["dossiers"] == 6
    assert marriage["avg_hours"] == round(378060 / 6 / 3600, 2)
    assert marriage["p90_hours"] == 26.0  # nearest rank ceil(0.9 × 6) = 6th
    assert times["Chứng thực bản sao"]["p90_hours"] == 23.0  # E: 1 + 1 + 21 working hours


def test_delay_attribution_by_agency_step_and_official(march):
    w = march.world
    ids = metrics.subtree_ids(w.district)
    by_agency = {r["agency_id"]: r for r in metrics.attribution(ids, MARCH, "agency", now=LATER)}
    assert by_agency[w.pc.pk]["late_steps"] == 4  # B, C, E and H second steps
    assert by_agency[w.pc.pk]["over_seconds"] == (57600 - 25920) + (82860 - 25920) + (75600 - 25920) + (61200 - 25920)
    assert by_agency[w.justice.pk]["late_steps"] == 1  # D first step
    assert by_agency[w.justice.pk]["over_hours"] == round((90000 - 60480) / 3600, 2)
    by_step = {(r["process__dossier__procedure_id"], r["step_index"]): r
               for r in metrics.attribution(ids, MARCH, "step", now=LATER)}
    signing = by_step[(w.commune_proc.pk, 1)]
    assert signing["step_name"] == "Ký giấy xác nhận" and signing["late_steps"] == 3  # B, C, H
    by_official = {r["owner_id"]: r["late_steps"] for r in metrics.attribution(ids, MARCH, "official", now=LATER)}
    assert by_official == {w.leader.pk: 4, w.specialist.pk: 1}


def test_overdue_and_at_risk_lists(march):
    qs = Dossier.objects.all()
    now = at(2026, 4, 2, 10)
    overdue = list(metrics.overdue_dossiers(qs, now).order_by("-lateness").values_list("applicant_name", flat=True))
    assert overdue == ["J", "G"]  # due 10/3 10:00, then 25/3; F (due 3/4) and M are not overdue
    at_risk = list(metrics.at_risk_dossiers(qs, now).values_list("applicant_name", flat=True))
    assert at_risk == ["F"]  # within the last 8 working hours before 3/4 09:00
