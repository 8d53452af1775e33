"""Concurrent writers on PostgreSQL: real threads, real connections, real row locks."""
import threading

import pytest
from django.db import connection, connections

from tests.world import at, receive
from workflows import services
from workflows.errors import Conflict
from workflows.models import Dossier, DossierEvent

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; runs in CI pass 2"),
]


def run_together(calls):
    """Start every call at the same instant, each on its own connection; collect results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_clerks_returning_the_same_result_one_wins_one_conflicts(world):
    w = world
    dossier = receive(w)
    dossier = services.complete_step(dossier, actor=w.specialist)
    dossier = services.decide(dossier, actor=w.leader, outcome="granted")
    copies = [Dossier.objects.get(pk=dossier.pk) for _ in range(2)]
    results = run_together([
        lambda: services.return_result(copies[0], actor=w.clerk, collected_by="A"),
        lambda: services.return_result(copies[1], actor=w.clerk2, collected_by="B"),
    ])
    wins = [r for r in results if isinstance(r, Dossier)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert DossierEvent.objects.filter(dossier=dossier, action="return_result").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == "returned" and dossier.collected_by == wins[0].collected_by


def test_fifty_concurrent_receipts_get_fifty_consecutive_codes(world):
    w = world
    results = run_together([lambda i=i: receive(w, now=at(2026, 3, 2, 9), name=f"Người {i}") for i in range(50)])
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    numbers = sorted(int(d.code.rsplit("-", 1)[1]) for d in results)
    assert numbers == list(range(1, 51))
