"""Lifecycle benchmark: the engine against a hand-written equivalent and a minimal baseline.

A lifecycle = receive, start processing, 3 steps, decide, return (7 user actions). Three
implementations run in the same process, in alternating rounds (machine noise hits all alike):

- **engine**: the services (viewflow tasks + django-fsm-2 status + chained audit events);
- **equivalent** (`bench/equivalent.py`): the same rows and checks written by hand on the same
  tables, no viewflow (work items with their deadlines and owners, plan, membership and
  transition checks, audit events, the lock) — engine ÷ equivalent is what viewflow costs;
- **baseline**: bare django-fsm updates of the dossier row, each with `select_for_update`,
  `save(update_fields=…)` and one audit row; no work items, no deadline, no plan.

Per lifecycle it reports wall time (median), CPU time of this Python process
(`time.process_time`) and, on a local PostgreSQL, of the database backend serving it
(`/proc/<pid>/schedstat`), and the queries. Run: `make bench` or
`python -m bench.lifecycle [N [ROUNDS]]`; uses the configured DATABASE_URL (a throwaway test DB).
"""
import statistics
import sys
import time
from contextlib import contextmanager

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



def equivalent_lifecycle(counter, proc, users, queries):
    from bench import equivalent
    from workflows import services

    def call(name, fn):
        with queries.count(name):
            return fn()

    docs = [d.pk for d in proc.documents.all()]
    dossier = call("receive", lambda: equivalent.receive(
        actor=users["clerk"], procedure=proc, agency=counter, applicant=services.Applicant(name="Bench"),
        document_ids=docs))
    dossier = call("start_processing", lambda: equivalent.start_processing(dossier, actor=users["justice"]))
    for kind in ("justice", "land_registration", "finance_planning"):
        dossier = call("complete_step", lambda d=dossier, k=kind: equivalent.complete_step(d, actor=users[k]))
    dossier = call("decide", lambda d=dossier: equivalent.decide(d, actor=users["people_committee"],
                                                                  outcome="granted"))
    call("return_result", lambda d=dossier: equivalent.return_result(d, actor=users["clerk"], collected_by="Bench"))


LIFECYCLES = {"baseline": baseline_lifecycle, "equivalent": equivalent_lifecycle, "engine": engine_lifecycle}


class NoCounter:
    def count(self, name):
        from contextlib import nullcontext

        return nullcontext()


class QueryCounter:
    def __init__(self):
        self.per_call = {}

    def count(self, name):
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


class BackendCPU:
    """CPU time of the PostgreSQL backend serving this connection, when it runs on this machine.

    Read from `/proc/<backend pid>/schedstat` (nanoseconds on CPU); None elsewhere (SQLite runs
    in this process, so its CPU is already in `time.process_time`).
    """

    def __init__(self, connection):
        self.path = None
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            with open(f"/proc/{pid}/schedstat") as f:
                f.read()
            self.path = f"/proc/{pid}/schedstat"
        except OSError:  # a remote server, or no permission
            self.path = None

    def seconds(self) -> float | None:
        if self.path is None:
            return None
        with open(self.path) as f:
            return int(f.read().split()[0]) / 1e9


class Sample:
    """One implementation's figures: wall time per lifecycle, CPU per lifecycle per batch."""

    def __init__(self):
        self.wall = Timer()
        self.cpu = []  # ms per lifecycle, one value per round
        self.db_cpu = []

    @contextmanager
    def batch(self, backend: BackendCPU, size: int):
        cpu0, db0 = time.process_time(), backend.seconds()
        yield
        self.cpu.append((time.process_time() - cpu0) * 1000 / size)
        if db0 is not None:
            self.db_cpu.append((backend.seconds() - db0) * 1000 / size)

    @property
    def round_walls(self) -> list[float]:
        """Median wall ms of each round (the samples are appended round by round)."""
        per_round = len(self.wall.samples) // len(self.cpu)
        return [statistics.median(self.wall.samples[i:i + per_round]) * 1000
                for i in range(0, per_round * len(self.cpu), per_round)]


def _median(values):
    return statistics.median(values) if values else float("nan")


def _ratio_range(a: list[float], b: list[float]) -> str:
    """The median of the per-round ratios, their range, and the ratio of the two best rounds
    (the least disturbed: on a shared machine, noise only ever adds time)."""
    ratios = [x / y for x, y in zip(a, b, strict=True)]
    return (f"{statistics.median(ratios):.2f} (rounds {min(ratios):.2f}–{max(ratios):.2f}, "
            f"best rounds {min(a) / min(b):.2f})")


def run(n: int = 300, rounds: int = 10):
    """Alternate the three implementations' batches so machine noise hits all alike; report medians."""
    setup_django()
    from django.db import connection

    with throwaway_database():
        counter, proc, users = build_world()
        for lifecycle in LIFECYCLES.values():
            for _ in range(10):  # warm-up: caches, prepared plans
                lifecycle(counter, proc, users, QueryCounter())
        backend = BackendCPU(connection)
        samples = {label: Sample() for label in LIFECYCLES}
        size = max(1, n // rounds)
        for _ in range(rounds):  # timed without query capture (it would slow all down)
            for label, lifecycle in LIFECYCLES.items():
                with samples[label].batch(backend, size):
                    for _ in range(size):
                        with samples[label].wall.measure():
                            lifecycle(counter, proc, users, NoCounter())
        queries = {label: QueryCounter() for label in LIFECYCLES}
        for label, lifecycle in LIFECYCLES.items():
            for _ in range(5):
                lifecycle(counter, proc, users, queries[label])
        print(f"database: {connection.vendor}, lifecycles: {size * rounds} each (7 user actions), "
              f"{rounds} alternating rounds")
        db_note = "" if backend.path else "  (database CPU: not measurable here)"
        print(f"  {'':10s} {'wall ms':>8s} {'CPU ms':>7s} {'db CPU ms':>9s} {'dossiers/s':>10s} "
              f"{'queries':>7s}{db_note}")
        for label, sample in samples.items():
            print(f"  {label:10s} {sample.wall.median_ms:8.2f} {_median(sample.cpu):7.2f} "
                  f"{_median(sample.db_cpu):9.2f} {1000 / sample.wall.median_ms:10.1f} "
                  f"{queries[label].per_lifecycle(5):7.0f}")
        for label in ("equivalent", "engine"):
            per_call = queries[label].summary()
            print(f"  {label} queries per call (max): "
                  + ", ".join(f"{name} {count}" for name, count in per_call.items()))
        eng, eqv, base = samples["engine"], samples["equivalent"], samples["baseline"]
        print(f"  engine ÷ equivalent: wall {_ratio_range(eng.round_walls, eqv.round_walls)}, "
              f"CPU {_ratio_range(eng.cpu, eqv.cpu)}"
              + (f", db CPU {_ratio_range(eng.db_cpu, eqv.db_cpu)}" if eng.db_cpu else ""))
        print(f"  engine ÷ baseline:   wall {_ratio_range(eng.round_walls, base.round_walls)}, "
              f"CPU {_ratio_range(eng.cpu, base.cpu)}")
        print(f"  equivalent ÷ baseline: wall {_ratio_range(eqv.round_walls, base.round_walls)}")
        worst = max(queries["engine"].summary()[k] for k in ("start_processing", "complete_step", "decide"))
        print(f"  max queries per work item (steps, decision): {worst}")


if __name__ == "__main__":
    run(*(int(arg) for arg in sys.argv[1:3]))  # [N lifecycles each [rounds]]
