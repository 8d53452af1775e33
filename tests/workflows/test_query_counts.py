"""Each service call costs a constant number of queries, whatever the database holds."""
import pytest

from tests.world import at, receive
from workflows import services

pytestmark = pytest.mark.django_db

# Per work item a user completes (PERFORMANCE.md target: at most 12).
WORK_ITEM_MAX = 12
# A receipt also issues the code, resolves the plan, loads the calendar and starts the flow.
RECEIVE_MAX = 24


def run_lifecycle(w, django_assert_max_num_queries):
    with django_assert_max_num_queries(RECEIVE_MAX):
        dossier = receive(w)
    with django_assert_max_num_queries(WORK_ITEM_MAX):
        dossier = services.complete_step(dossier, actor=w.specialist, now=at(2026, 3, 2, 14))
    with django_assert_max_num_queries(WORK_ITEM_MAX):
        dossier = services.decide(dossier, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 9))
    with django_assert_max_num_queries(WORK_ITEM_MAX + 6):  # the last one runs viewflow's End node
        services.return_result(dossier, actor=w.clerk, collected_by="A", now=at(2026, 3, 3, 10))


@pytest.mark.parametrize("background", [0, 30])
def test_service_calls_are_bounded_whatever_the_volume(world, django_assert_max_num_queries, background):
    w = world
    for _ in range(background):
        dossier = receive(w)
        services.complete_step(dossier, actor=w.specialist)
    # Fresh user objects: per-user caches must not hide queries.
    for name in ("clerk", "specialist", "leader"):
        setattr(w, name, type(getattr(w, name)).objects.get(pk=getattr(w, name).pk))
    run_lifecycle(w, django_assert_max_num_queries)
