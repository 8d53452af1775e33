"""Each service call costs an exact, constant number of queries, whatever the database holds.

Exact, so that a query added anywhere on the path shows here (docs/performance.md, "Dossier
lifecycle"). Counted inside the test's transaction: a call's BEGIN/COMMIT are a SAVEPOINT and
its RELEASE; notifications run after commit, so not here. Same on SQLite and PostgreSQL.
"""
import pytest

from procedures.calendar import load_calendar
from tests.world import at, receive
from workflows import services

pytestmark = pytest.mark.django_db

# A receipt: the actor's memberships and roles (a fresh user), the documents, the code, the plan
# (steps, agencies), the calendar's revision (the calendar itself is built once per process and
# revision: warmed below), then the process, the dossier, the eligible holder, the first work
# item and its agency's hold, the audit event and the clock span; and the counter guidances the
# dossier takes over.
RECEIVE = 18
# A step: the load-and-lock of the open work item with its process and dossier, the actor's
# memberships and roles (a fresh user), the item's UPDATE, the next holder, the next item's
# INSERT and, at another agency, its hold; the dossier's UPDATE and the audit event.
COMPLETE_STEP = 10
# The decision: a step's 10 less the next holder's facts, plus the result document (ADR 0028): the
# deciding agency, its yearly result-code counter (one upsert), the procedure (the result's type),
# the agency's kind and unit and the superior body for the heading, and the stored file's row.
DECIDE = 17
# The return: two clerks at the counter, so the clerk claims the task (an UPDATE of two columns),
# completes it; the process is finished in place of viewflow's End node (no end task); no holder
# to find, nothing to insert; the actor's facts were read at receipt.
RETURN_RESULT = 8


def run_lifecycle(w, django_assert_num_queries):
    with django_assert_num_queries(RECEIVE):
        dossier = receive(w)
    with django_assert_num_queries(COMPLETE_STEP):
        dossier = services.complete_step(dossier, actor=w.specialist, now=at(2026, 3, 2, 14))
    with django_assert_num_queries(DECIDE):
        dossier = services.decide(dossier, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 9))
    with django_assert_num_queries(RETURN_RESULT):
        services.return_result(dossier, actor=w.clerk, collected_by="A", now=at(2026, 3, 3, 10))


@pytest.mark.parametrize("background", [0, 30])
def test_service_calls_cost_exact_constant_queries_whatever_the_volume(world, django_assert_num_queries,
                                                                      background):
    w = world
    for _ in range(background):
        dossier = receive(w)
        services.complete_step(dossier, actor=w.specialist)
    load_calendar(w.commune)  # the per-process calendar cache, warm as in a running server
    # Fresh user objects: per-user caches must not hide queries.
    for name in ("clerk", "specialist", "leader"):
        setattr(w, name, type(getattr(w, name)).objects.get(pk=getattr(w, name).pk))
    run_lifecycle(w, django_assert_num_queries)


def test_the_cached_load_is_the_orm_query_it_was_compiled_from(world):
    """`lock.load_open_task` runs the SQL the ORM compiles for `open_task_queryset`, same instances."""
    from django.db import connection

    from workflows import lock

    dossier = receive(world)
    fresh = lock.load_open_task(dossier.process_id)
    orm = lock.open_task_queryset(dossier.process_id).first()
    assert connection._onestop_open_task_load.sql == lock.open_task_queryset(0).query.sql_with_params()[0]
    assert (fresh.pk, fresh.process.pk, fresh.process.dossier.pk) == (orm.pk, orm.process.pk, dossier.pk)
    assert fresh.calendar_revision == orm.calendar_revision
    assert {f.attname: getattr(fresh, f.attname) for f in fresh._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in orm._meta.concrete_fields}
    assert fresh.process.dossier.plan == orm.process.dossier.plan  # JSON converted alike
    assert lock.load_open_task(-1) is None
