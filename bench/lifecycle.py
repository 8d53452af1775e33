"""Lifecycle benchmark: the engine (viewflow + FSM + audit) against a minimal baseline.

A lifecycle = receive, start processing, 3 steps, decide, return (7 user actions).
Baseline = the same transitions as plain django-fsm updates on the same table, each with
`select_for_update`, `save(update_fields=…)` and one audit row, no viewflow — measured in
the same run so the engine's overhead is a ratio. Run: `make bench` or
`python -m bench.lifecycle [N]`; uses the configured DATABASE_URL (a throwaway test DB).
"""
import sys

from bench.common import Timer, setup_django, throwaway_database


def build_world():
    from tests import factories as f
    from workflows.roles import ensure_role_groups

    ensure_role_groups()
    commune = f.unit("Xã Bench", "commune")
    counter = f.agency(commune, "one_stop", identifier="000.00.01.B01")
    kinds = ["justice", "land_registration", "finance_planning", "people_committee"]
    agencies = {kind: f.agency(commune, kind) for kind in kinds}
    users = {
        "clerk": f.user("bench_clerk", "clerk", [counter]),
        **{kind: f.user(f"bench_{kind}", "leader" if kind == "people_committee" else "specialist",
                        [agencies[kind]]) for kind in kinds},
    }
    proc = f.procedure(level_code="commune", time_limit_value=10, steps=[
        ("Bước 1", 0, "justice", "specialist", 25), ("Bước 2", 0, "land_registration", "specialist", 25),
        ("Bước 3", 0, "finance_planning", "specialist", 25), ("Quyết định", 0, "people_committee", "leader", 25),
    ])
    return counter, proc, users


def engine_lifecycle(counter, proc, users, queries):
    from workflows import services

    def call(name, fn):
        with queries.count(name):
            return fn()

    docs = [d.pk for d in proc.documents.all()]
    dossier = call("receive", lambda: services.receive(
        actor=users["clerk"], procedure=proc, agency=counter, applicant=services.Applicant(name="Bench"),
        document_ids=docs).dossier)
    dossier = call("start_processing", lambda: services.start_processing(dossier, actor=users["justice"]))
    for kind in ("justice", "land_registration", "finance_planning"):
        dossier = call("complete_step", lambda d=dossier, k=kind: services.complete_step(d, actor=users[k]))
    dossier = call("decide", lambda d=dossier: services.decide(d, actor=users["people_committee"], outcome="granted"))
    call("return_result", lambda d=dossier: services.return_result(d, actor=users["clerk"], collected_by="Bench"))


def baseline_lifecycle(counter, proc, users, queries, seq=[0]):  # noqa: B006 -- a counter across calls
    from django.db import transaction
    from django.utils import timezone

    from workflows import audit, codes
    from workflows.models import Dossier
    from workflows.statuses import Status

    def act(name, pk, transition, actor):
        with queries.count(name), transaction.atomic():
            d = Dossier.objects.select_for_update().get(pk=pk)
            before = d.status
            transition(d)
            event = audit.stage_event(d, actor=actor, action=name, from_status=before)
            d.save(update_fields=["status", "current_step", "event_count", "last_event_hash"])
            audit.save_event(event)

    with queries.count("receive"), transaction.atomic():
        seq[0] += 1
        now = timezone.now()
        d = Dossier(code=codes.issue_code(counter, now), procedure=proc, receiving_agency=counter,
                    receiving_unit_id=counter.unit_id, competent_unit_id=counter.unit_id, return_agency=counter,
                    unit_path=counter.unit.path, channel="counter",
                    applicant_name="Bench", status=Status.RECEIVED, received_at=now, due_at=now,
                    plan=[{}, {}, {}, {}])
        event = audit.stage_event(d, actor=users["clerk"], action="receive", from_status="")
        d.save()
        audit.save_event(event)
    pk = d.pk
    act("start_processing", pk, lambda x: x.start_processing(), users["justice"])
    for kind in ("justice", "land_registration", "finance_planning"):
        def step(x):
            x.complete_step()
            x.current_step += 1
        act("complete_step", pk, step, users[kind])
    act("decide", pk, lambda x: x.decide(), users["people_committee"])
    act("return_result", pk, lambda x: x.return_result(), users["clerk"])


class NoCounter:
    def count(self, name):
        from contextlib import nullcontext

        return nullcontext()


class QueryCounter:
    def __init__(self):
        self.per_call = {}

    def count(self, name):
        from contextlib import contextmanager

        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        @contextmanager
        def ctx():
            connection.queries_log.clear()  # the log is a bounded deque: counts break once it is full
            with CaptureQueriesContext(connection) as captured:
                yield
            self.per_call.setdefault(name, []).append(len(captured.captured_queries))

        return ctx()

    def summary(self):
        return {name: max(counts) for name, counts in self.per_call.items()}

    def per_lifecycle(self, lifecycles: int) -> float:
        return sum(sum(counts) for counts in self.per_call.values()) / max(lifecycles, 1)


def run(n: int = 300, rounds: int = 6):
    """Alternate baseline and engine batches so machine noise hits both alike; report medians."""
    setup_django()
    from django.db import connection

    with throwaway_database():
        counter, proc, users = build_world()
        lifecycles = {"baseline": baseline_lifecycle, "engine": engine_lifecycle}
        for lifecycle in lifecycles.values():
            for _ in range(10):  # warm-up: caches, prepared plans
                lifecycle(counter, proc, users, QueryCounter())
        timers = {label: Timer() for label in lifecycles}
        for _ in range(rounds):  # timed without query capture (it would slow both down)
            for label, lifecycle in lifecycles.items():
                for _ in range(max(1, n // rounds)):
                    with timers[label].measure():
                        lifecycle(counter, proc, users, NoCounter())
        queries = {label: QueryCounter() for label in lifecycles}
        for label, lifecycle in lifecycles.items():
            for _ in range(5):
                lifecycle(counter, proc, users, queries[label])
        base, engine = timers["baseline"].median_ms, timers["engine"].median_ms
        print(f"database: {connection.vendor}, lifecycles: {n} each (7 user actions), {rounds} alternating rounds")
        for label in lifecycles:
            per_call = queries[label].summary()
            total = queries[label].per_lifecycle(5)
            print(f"  {label:8s} {timers[label].median_ms:7.2f} ms/lifecycle  "
                  f"{1000 / timers[label].median_ms:7.1f} dossiers/s  queries/lifecycle {total:.0f}")
            for name, count in per_call.items():
                print(f"           {name:18s} {count:3d} queries per call (max)")
        print(f"  ratio engine/baseline: {engine / base:.2f}x")
        worst = max(queries["engine"].summary()[k] for k in ("start_processing", "complete_step", "decide"))
        print(f"  max queries per work item (steps, decision): {worst}")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 300)
