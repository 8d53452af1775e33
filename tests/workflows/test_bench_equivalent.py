"""The benchmark's hand-written lifecycle (bench/equivalent.py) writes the engine's rows, no fewer.

engine ÷ equivalent is only an honest measure of the engine if both do the same work: the same
dossier, work items (with their deadlines and owners), holds, process, clock spans and audit events,
column for column; and the engine writes nothing more (no start, end or link rows).
"""
import datetime as dt

import pytest
from django.db.models import Model

from bench import equivalent
from bench.lifecycle import build_world
from workflows import services
from workflows.models import ClockSpan, Dossier, DossierEvent, DossierProcess, WorkItem

pytestmark = pytest.mark.django_db

VN = dt.timezone(dt.timedelta(hours=7))
T = [dt.datetime(2026, 3, 2, 9, tzinfo=VN) + dt.timedelta(hours=h) for h in (0, 1, 5, 24, 26, 48, 50)]
KINDS = ("justice", "land_registration", "finance_planning")


def lifecycle(impl, counter, proc, users):
    docs = [d.pk for d in proc.documents.all()]
    receipt = impl.receive(actor=users["clerk"], procedure=proc, agency=counter, now=T[0],
                           applicant=services.Applicant(name="Bench"), document_ids=docs)
    dossier = getattr(receipt, "dossier", receipt)
    dossier = impl.start_processing(dossier, actor=users["justice"], now=T[1])
    for i, kind in enumerate(KINDS):
        dossier = impl.complete_step(dossier, actor=users[kind], now=T[2 + i])
    dossier = impl.decide(dossier, actor=users["people_committee"], outcome="granted", now=T[5])
    dossier = impl.return_result(dossier, actor=users["clerk"], collected_by="Bench", now=T[6])
    return Dossier.objects.get(pk=dossier.pk)


def columns(row: Model, skip=()) -> dict:
    skip = {"id", *skip}
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in skip}


def rows(dossier: Dossier) -> dict:
    """Everything the lifecycle wrote for the dossier, ids and per-dossier codes left out."""
    def event(e):
        data = {k: v for k, v in e.data.items() if k != "task"}  # a work item's id
        if "result" in data:  # the result document: its code, file and hash are per dossier
            data["result"] = sorted(data["result"])
        return {**columns(e, skip={"dossier_id", "hash", "prev_hash"}), "data": data}

    return {
        "dossier": columns(dossier, skip={"code", "process_id", "lookup_secret_hash", "last_event_hash"}),
        "process": columns(DossierProcess.objects.get(pk=dossier.process_id)),
        "work_items": [columns(t, skip={"process_id"})
                       for t in WorkItem.objects.filter(process_id=dossier.process_id).order_by("created", "pk")],
        "holds": sorted((h.agency_id, h.created_at == dossier.created_at) for h in dossier.holds.all()),
        "clock_spans": [columns(s, skip={"dossier_id"}) for s in ClockSpan.objects.filter(dossier=dossier)],
        "events": [event(e) for e in DossierEvent.objects.filter(dossier=dossier).order_by("seq")],
    }


def test_the_equivalent_writes_the_engines_rows_column_for_column():
    counter, proc, users = build_world()
    engine = rows(lifecycle(services, counter, proc, users))
    hand = rows(lifecycle(equivalent, counter, proc, users))
    assert len(engine["work_items"]) == 5  # four steps and the return; no start or end task
    # One hold per agency the work passed through, the dossier's list key copied.
    agencies = {t["agency_id"] for t in engine["work_items"]}
    assert engine["holds"] == sorted((a, True) for a in agencies)
    assert [t["owner_id"] for t in engine["work_items"]] == [
        users[k].pk for k in (*KINDS, "people_committee", "clerk")]
    assert all(t["due_at"] for t in engine["work_items"][:4])
    assert engine == hand


def test_the_engine_writes_no_task_links():
    counter, proc, users = build_world()
    lifecycle(services, counter, proc, users)
    assert WorkItem.previous.through.objects.count() == 0
