"""Random histories across month boundaries give one set of figures, however they are counted.

Each example builds a few dossiers through the services — received at the counter or online,
started, asked for a supplement and supplied (maybe twice), held for a financial obligation and
paid, extended, handed on, decided, returned, refused or stopped at the applicant's request, at
random instants from January to April 2026 — and checks:

- the live figures, the rollups and the sum of each dossier's own classification (the rules'
  per-dossier forms) agree for every month and the quarter;
- every row reconciles (carried over + received = resolved + withdrawn + pending; pending =
  within + overdue);
- a month closed before the later events keeps every figure after them;
- at an instant after every event, the overdue rule from the clock's history equals the rule
  from the dossier's current columns;
- the current quarter and year, closed months from the rollups and the running month live, equal
  the figures counted wholly live: the counts, the trend, the TT 01 scores, satisfaction,
  indicator 2 and the delays by agency, step and official (dossiers that start in a closed month
  and end in the running one, supplement waits across the boundary; a dossier never reopens once
  its handling ended, so there is no such case to hold).
"""
import contextlib
import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from petitions import services as petition_services
from procedures.models import Procedure
from reporting import evaluation, metrics, rollups, rules
from reporting.periods import Period
from reporting.rows import satisfaction as satisfaction_row
from reporting.rows import satisfied_shares
from tests.world import at
from workflows import services
from workflows.errors import DomainError
from workflows.models import ClockSpan, Dossier
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

FIRST, LAST = at(2026, 1, 5, 7), at(2026, 4, 20, 17)
CUT = at(2026, 3, 1, 0, 0)  # the end of February: the month closed before the later events
LATER = at(2026, 5, 10, 9)
MONTHS = [Period.of("month", 2026, m) for m in (1, 2, 3, 4)]
PERIODS = MONTHS + [Period.of("quarter", 2026, 1)]
FIGURES = ("received", "carried_over", "resolved", "early", "on_time", "late", "withdrawn", "stopped", "pending",
           "pending_within", "pending_overdue", "received_online", "online_late")

history = st.lists(
    st.tuples(st.sampled_from(["counter", "counter", "online", "online_refused"]),
              st.integers(0, int((LAST - FIRST).total_seconds() // 600)),  # the first instant, in 10 minutes
              st.lists(st.tuples(st.integers(0, 7), st.integers(10, 60 * 24 * 6)), min_size=2, max_size=10)),
    min_size=2, max_size=5,
)
# Received Mon 23/2 09:00 (due Thu 26/2 09:00), a supplement asked on 24/2: one supplied on 2/3, so
# February ends while it waits past its old due time; one still waiting when the history ends.
WAITING_OVER_THE_MONTH_END = [
    ("counter", 7068, [(0, 60), (2, 60 * 23), (0, 60 * 24 * 6), (0, 60 * 24), (0, 60)]),
    ("counter", 7068, [(0, 60), (2, 60 * 23)]),
    ("online", 7000, [(0, 60), (0, 60), (0, 60 * 24 * 5), (1, 60)]),
]

# Late steps, decisions, ratings and complaints on both sides of the rollups' boundary (built mid-March):
# one dossier wholly in January, one received 20/2 and decided, returned and rated in March, one in March.
_LATE_LIFE = [(0, 60), (0, 60 * 24 * 6), (0, 60 * 24 * 6), (0, 60)]
ACROSS_THE_BOUNDARY = [
    ("counter", 0, [*_LATE_LIFE, (0, 60), (3, 60)]),
    ("counter", 6636, [*_LATE_LIFE, (1, 60)]),
    ("online", 9228, [(0, 60), *_LATE_LIFE, (2, 60), (3, 60)]),
]


def _choose(w, d, intent: int):
    """The action an intent means in the dossier's state, with who takes it (None: nothing left)."""
    if d.status == Status.SUBMITTED:
        return [("accept", w.clerk)][intent % 1]
    if d.status == Status.RECEIVED:
        return [("start", w.specialist), ("stop", w.clerk), ("extend", w.clerk)][intent % 3]
    if d.status == Status.PROCESSING:
        holder = w.specialist if d.current_step == 0 else w.leader
        finish = "complete" if d.current_step == 0 else "decide"
        options = [(finish, holder), (finish, holder), ("supplement", holder), ("payment", holder),
                   ("extend", w.clerk), ("stop", w.clerk)]
        return options[intent % len(options)]
    if d.status == Status.AWAITING_SUPPLEMENT:
        return [("supplied", w.clerk), ("supplied", w.clerk), ("stop", w.clerk)][intent % 3]
    if d.status == Status.AWAITING_PAYMENT:
        return [("paid", w.clerk), ("paid", w.clerk), ("stop", w.clerk)][intent % 3]
    if d.status == Status.RESULT_READY:
        return ("return", w.clerk)
    if d.status == Status.RETURNED:  # the citizen rates it (once) or complains: satisfaction, indicator 7
        return [("rate:satisfied", None), ("rate:normal", None), ("rate:not_satisfied", None),
                ("complain", w.clerk)][intent % 4]
    return None


def _act(w, d, action: str, actor, t):
    if action == "accept":
        return services.accept_online(d, actor=actor, now=t)
    if action == "start":
        return services.start_processing(d, actor=actor, now=t)
    if action == "complete":
        return services.complete_step(d, actor=actor, now=t)
    if action == "decide":
        return services.decide(d, actor=actor, outcome="granted", now=t)
    if action == "supplement":
        return services.request_supplement(d, actor=actor, items=["Tờ khai"], now=t)
    if action == "supplied":
        return services.supplement_received(d, actor=actor, now=t)
    if action == "extend":
        return services.extend(d, actor=actor, new_due_at=d.due_at + dt.timedelta(days=3), reason="Xác minh", now=t)
    if action == "payment":
        return services.request_payment(d, actor=actor, obligation="Lệ phí trước bạ", now=t)
    if action == "paid":
        return services.payment_received(d, actor=actor, now=t)
    if action == "return":
        return services.return_result(d, actor=actor, collected_by="Người nhận", now=t)
    if action.startswith("rate:"):
        return services.rate(d, rating=action[5:], now=t).dossier
    if action == "complain":
        return petition_services.record_complaint(d, actor=actor, text="Trả kết quả chậm", now=t).dossier
    return services.stop(d, actor=actor, reason="Công dân đề nghị dừng", now=t)


def _plan(w, example):
    """Each dossier's start and its timed intents, as (instant, index, intent) in time order."""
    starts, steps = [], []
    for index, (channel, start, intents) in enumerate(example):
        t = FIRST + dt.timedelta(minutes=10 * start)
        starts.append((channel, t))
        for intent, gap in intents:
            t += dt.timedelta(minutes=gap)
            if t < LATER:
                steps.append((t, index, intent))
    return starts, sorted(steps)


def _begin(w, channel, t):
    docs = [d.pk for d in w.commune_proc.documents.filter(is_mandatory=True)]
    applicant = services.Applicant(name="Nguyễn Văn An", id_number="012345678901")
    if channel == "counter":
        return services.receive(actor=w.clerk, procedure=w.commune_proc, agency=w.counter, applicant=applicant,
                                document_ids=docs, now=t).dossier
    d = services.submit_online(procedure=w.commune_proc, agency=w.counter, applicant=applicant,
                               document_ids=docs, now=t).dossier
    if channel == "online_refused":
        return services.refuse(d, actor=w.clerk, reasons="Sai thẩm quyền", now=t + dt.timedelta(hours=1))
    return d


def _run(w, dossiers, steps):
    for t, index, intent in steps:
        d = dossiers[index]
        choice = _choose(w, d, intent)
        if choice is None:
            continue
        with contextlib.suppress(DomainError):  # not allowed then (an extension too late): history goes on
            dossiers[index] = _act(w, d, *choice, t)


def _figures(rows) -> dict:
    return {k: sum(r[k] for r in rows) for k in FIGURES}


def _own_classification(period, as_of) -> dict:
    """The period's figures as the sum of each dossier's classification by the rules' per-dossier forms."""
    total = Counter({k: 0 for k in (*FIGURES, "collected_late")})
    for d in Dossier.objects.all():
        spans = list(ClockSpan.objects.filter(dossier=d))
        ended = rules.handling_ended_at(d)
        if d.returned_at and period.start <= d.returned_at < period.end and rules.is_collected_after_appointment(d):
            total["collected_late"] += 1
        if d.received_at is None or d.received_at >= period.end or (ended is not None and ended < period.start):
            continue
        total["received" if d.received_at >= period.start else "carried_over"] += 1
        total["received_online"] += d.received_at >= period.start and d.channel == "online"
        if ended is not None and ended < period.end:
            if d.resolved_at is not None:
                total["resolved"] += 1
                total[rules.timeliness(d)] += 1
                total["online_late"] += d.channel == "online" and rules.timeliness(d) == "late"
            else:
                total["withdrawn"] += 1
                total["stopped"] += d.status == Status.STOPPED
        else:
            total["pending"] += 1
            overdue = rules.was_overdue_at(d, spans, as_of)
            total["pending_overdue" if overdue else "pending_within"] += 1
            total["online_late"] += overdue and d.channel == "online"
    return dict(total)


def _live(period, now) -> dict:
    ids = metrics.subtree_ids(_province())
    return _figures(metrics.grouped(metrics.in_units(Dossier.objects.all(), ids), period,
                                    ["competent_unit_id", "procedure__field_id"], now=now))


def _province():
    from procedures.models import AdministrativeUnit

    return AdministrativeUnit.objects.get(parent__isnull=True)


def _assert_the_dashboard_figures_equal_live(ids, period):
    """A running period's scores, satisfaction, indicator 2 and delays (closed months from the rollups,
    the rest live) equal the wholly live figures, row for row."""
    qs = metrics.in_units(Dossier.objects.all(), ids)
    assert [p for p, _part in rollups.parts(period)] == [True, False]
    for key in ("receiving_agency_id", "competent_unit_id"):
        assert evaluation.scores(ids, period, key, qs) == evaluation.averages(qs, period, key)
        assert satisfied_shares(metrics.ratings(ids, period, qs, key)) == metrics.satisfaction_by(qs, period, key)
    assert satisfaction_row(metrics.ratings(ids, period, qs).get(None, {})) == metrics.satisfaction(qs, period)
    assert evaluation.indicator2(ids, period) == evaluation.step_averages(ids, period)
    for by in ("agency", "step", "official"):
        assert metrics.attribution(ids, period, by) == metrics.attribution_live(ids, period, by)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(example=history)
@example(example=WAITING_OVER_THE_MONTH_END)
@example(example=ACROSS_THE_BOUNDARY)
def test_random_histories_give_the_same_figures_however_counted(world, example):
    with transaction.atomic():
        Procedure.objects.filter(pk=world.commune_proc.pk).update(online_level="full")
        world.commune_proc.refresh_from_db()
        starts, steps = _plan(world, example)
        # up to the end of February: the dossiers begun and the events before it
        dossiers = {i: _begin(world, channel, t) for i, (channel, t) in enumerate(starts) if t < CUT}
        _run(world, dossiers, [(t, i, intent) for t, i, intent in steps if t < CUT and i in dossiers])
        february = MONTHS[1]
        closed = _live(february, now=CUT)

        # the rest of the history, then every figure from every source
        dossiers.update({i: _begin(world, channel, t) for i, (channel, t) in enumerate(starts) if t >= CUT})
        _run(world, dossiers, [(t, i, intent) for t, i, intent in steps if t >= CUT])

        assert _live(february, now=LATER) == closed  # a closed month never changes
        rollups.refresh(now=LATER)
        ids = metrics.subtree_ids(_province())
        for period in PERIODS:
            live_rows = metrics.grouped(metrics.in_units(Dossier.objects.all(), ids), period,
                                        ["competent_unit_id", "procedure__field_id"], now=LATER)
            for r in live_rows:
                assert r["carried_over"] + r["received"] == r["resolved"] + r["withdrawn"] + r["pending"]
                assert r["pending"] == r["pending_within"] + r["pending_overdue"]
                assert r["resolved"] == r["early"] + r["on_time"] + r["late"]
            live = _figures(live_rows)
            assert _figures(rollups.grouped(ids, period, ["competent_unit_id", "procedure__field_id"])) == live
            own = _own_classification(period, period.as_of(LATER))
            assert {k: v for k, v in own.items() if k != "collected_late"} == live
            assert rollups.collected_late(ids, period) == own["collected_late"] == metrics.collected_late(
                Dossier.objects.all(), period)
        assert _figures(rollups.grouped(ids, february, ["competent_unit_id"])) == closed

        # The current quarter and year while March runs: January–February from the rollups, the rest
        # live; row for row the same as counting the whole period live.
        rollups.refresh(now=at(2026, 3, 15, 12))
        for period in (PERIODS[-1], Period.of("year", 2026)):
            assert rollups.split_at_rollups(period) is not None
            keys = ["competent_unit_id", "procedure__field_id"]
            whole = metrics.grouped(metrics.in_units(Dossier.objects.all(), ids), period, keys, now=LATER)
            assert metrics.counts(ids, period, keys, now=LATER) == whole
            assert metrics.trend(ids, period) == metrics.monthly_trend(
                metrics.in_units(Dossier.objects.all(), ids), period)
            _assert_the_dashboard_figures_equal_live(ids, period)

        # after every event, the history's overdue rule is the current columns' rule
        after = LATER + dt.timedelta(days=30)
        from_history = set(Dossier.objects.annotate(ended_at=rules.HANDLING_ENDED_AT)
                           .filter(rules.pending_at_q(after), rules.overdue_at_q(after)).values_list("pk", flat=True))
        assert from_history == set(Dossier.objects.filter(rules.overdue_q(after)).values_list("pk", flat=True))
        transaction.set_rollback(True)
