"""A hand-built month of dossiers (March 2026) whose every figure the tests compute by hand.

All built through the services with explicit instants. The calendar has no holidays, office
hours 7:00–11:30 and 13:30–17:00 (8 working hours a day); 2 March 2026 is a Monday. The
commune procedure has a limit of 3 working days: received Mon 2/3 09:00 → due Thu 5/3 09:00;
its steps get 70% (60,480 s) and 30% (25,920 s) of it.

| dossier | story | March outcome |
|---|---|---|
| A | received 2/3, decided 2/3, returned 3/3 | resolved early |
| B | decided 5/3 09:00, the due instant; collected 6/3 | on time (step 2 over its allotment), collected late |
| C | decided 5/3 09:01, returned 5/3 10:00 | resolved late |
| D | extended to 9/3, decided 5/3 11:00, returned 6/3 | late: measured against the original due time |
| E | pause-rule procedure, 16 h paused; due moves to 9/3 09:00; decided 9/3 08:00 | on time |
| F | received 31/3 | pending within the deadline (due 3/4) |
| G | received 20/3 | pending overdue (due 25/3) |
| H | received 25/2, decided 2/3 10:00 (due 2/3 09:00), returned 3/3 | carried over, resolved late |
| I | received 10/3, stopped at the applicant's request 11/3 | withdrawn/stopped |
| J | online, accepted 5/3 10:00 | pending overdue, online late |
| K | recorded outside the counter, one supplement (restart), returned 16/3 | resolved early |
| L | received and returned in February | not in March |
| M | received 2/4 | not in March |
| N | refused at the counter 5/3 | never received |
| O | submitted online 30/3, not yet accepted | never received |
"""
from types import SimpleNamespace

import pytest

from petitions import services as petition_services
from procedures.models import Procedure
from tests import factories as f
from tests.world import at, receive
from workflows import services


def _run(w, d, *, start=None, complete=None, decide=None, ret=None):
    if start:
        d = services.start_processing(d, actor=w.specialist, now=start)
    if complete:
        d = services.complete_step(d, actor=w.specialist, now=complete)
    if decide:
        d = services.decide(d, actor=w.leader, outcome="granted", now=decide)
    if ret:
        d = services.return_result(d, actor=w.clerk, collected_by="Người nhận", now=ret)
    return d


@pytest.fixture
def march(world):
    w = world
    Procedure.objects.filter(pk=w.commune_proc.pk).update(online_level="full")
    w.commune_proc.refresh_from_db()
    w.pause_proc = f.procedure(
        code="2.000001", name="Chứng thực bản sao", level_code="commune", field=f.field("Chứng thực"),
        supplement_clock_rule="pause", time_limit_value=3, time_limit_unit="working_days",
        steps=[("Thẩm định hồ sơ", 0, "justice", "specialist", 70),
               ("Ký giấy xác nhận", 0, "people_committee", "leader", 30)],
    )
    s = SimpleNamespace(world=w)
    s.A = _run(w, receive(w, now=at(2026, 3, 2, 9), name="A"), start=at(2026, 3, 2, 10),
               complete=at(2026, 3, 2, 11), decide=at(2026, 3, 2, 14), ret=at(2026, 3, 3, 9))
    s.B = _run(w, receive(w, now=at(2026, 3, 2, 9), name="B"), start=at(2026, 3, 2, 9, 30),
               complete=at(2026, 3, 3, 9), decide=at(2026, 3, 5, 9), ret=at(2026, 3, 6, 9))
    s.C = _run(w, receive(w, now=at(2026, 3, 2, 9), name="C"), start=at(2026, 3, 2, 10),
               complete=at(2026, 3, 2, 10), decide=at(2026, 3, 5, 9, 1), ret=at(2026, 3, 5, 10))

    d = _run(w, receive(w, now=at(2026, 3, 2, 9), name="D"), start=at(2026, 3, 2, 9, 30))
    d = services.extend(d, actor=w.specialist, new_due_at=at(2026, 3, 9, 9), reason="Cần xác minh thêm",
                        now=at(2026, 3, 3, 9))
    s.D = _run(w, d, complete=at(2026, 3, 5, 10), decide=at(2026, 3, 5, 11), ret=at(2026, 3, 6, 9))

    e = _run(w, receive(w, w.pause_proc, now=at(2026, 3, 2, 9), name="E"), start=at(2026, 3, 2, 9, 30))
    e = services.request_supplement(e, actor=w.specialist, items=["Bản sao giấy tờ"], now=at(2026, 3, 2, 10))
    e = services.supplement_received(e, actor=w.clerk, now=at(2026, 3, 4, 10))
    s.E = _run(w, e, complete=at(2026, 3, 4, 11), decide=at(2026, 3, 9, 8), ret=at(2026, 3, 9, 10))

    s.F = receive(w, now=at(2026, 3, 31, 9), name="F")
    s.G = receive(w, now=at(2026, 3, 20, 9), name="G")
    s.H = _run(w, receive(w, now=at(2026, 2, 25, 9), name="H"), start=at(2026, 2, 25, 10),
               complete=at(2026, 2, 26, 9), decide=at(2026, 3, 2, 10), ret=at(2026, 3, 3, 9))
    s.I = services.stop(receive(w, now=at(2026, 3, 10, 9), name="I"), actor=w.clerk,
                        reason="Công dân đề nghị dừng", now=at(2026, 3, 11, 9))

    docs = [doc.pk for doc in w.commune_proc.documents.filter(is_mandatory=True)]
    j = services.submit_online(procedure=w.commune_proc, agency=w.counter, applicant=services.Applicant(name="J"),
                               document_ids=docs, now=at(2026, 3, 5, 9)).dossier
    s.J = services.accept_online(j, actor=w.clerk, now=at(2026, 3, 5, 10))

    k = services.receive(actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
                         applicant=services.Applicant(name="K"), document_ids=docs, channel="outside",
                         now=at(2026, 3, 12, 9)).dossier
    k = services.start_processing(k, actor=w.specialist, now=at(2026, 3, 12, 9, 30))
    k = services.request_supplement(k, actor=w.specialist, items=["Tờ khai"], now=at(2026, 3, 12, 10))
    k = services.supplement_received(k, actor=w.clerk, now=at(2026, 3, 13, 9))
    s.K = _run(w, k, complete=at(2026, 3, 13, 10), decide=at(2026, 3, 13, 11), ret=at(2026, 3, 16, 9))

    s.L = _run(w, receive(w, now=at(2026, 2, 2, 9), name="L"), start=at(2026, 2, 2, 9, 30),
               complete=at(2026, 2, 2, 10), decide=at(2026, 2, 2, 11), ret=at(2026, 2, 3, 9))
    s.M = receive(w, now=at(2026, 4, 2, 9), name="M")
    s.N = services.refuse_at_counter(actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
                                     applicant=services.Applicant(name="N"), reasons="Sai thẩm quyền",
                                     now=at(2026, 3, 5, 9))
    s.O = services.submit_online(procedure=w.commune_proc, agency=w.counter, applicant=services.Applicant(name="O"),
                                 document_ids=docs, now=at(2026, 3, 30, 9)).dossier

    # The citizen's ratings and complaints, recorded through the services as in production.
    for name, rating in (("A", "satisfied"), ("B", "normal"), ("C", "not_satisfied")):
        setattr(s, name, services.rate(getattr(s, name), rating=rating, now=at(2026, 3, 10)).dossier)
    petition_services.record_complaint(s.B, actor=w.supervisor, text="Nhũng nhiễu", now=at(2026, 3, 6))
    wrong = petition_services.record_complaint(s.A, actor=w.supervisor, text="Phản ánh sai", now=at(2026, 3, 6))
    petition_services.resolve_complaint(wrong, actor=w.supervisor, unsubstantiated=True, now=at(2026, 3, 7))
    return s
