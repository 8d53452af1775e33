"""Acting on a stale view of a dossier is a conflict, and nothing is half-written."""
import pytest

from tests.world import receive
from workflows import services
from workflows.errors import Conflict
from workflows.models import Dossier, WorkItem

pytestmark = pytest.mark.django_db


def test_a_second_clerk_acting_on_what_they_read_before_the_first_acted_gets_a_conflict(world):
    w = world
    dossier = services.decide(services.complete_step(receive(w), actor=w.specialist), actor=w.leader,
                              outcome="granted")
    mine, theirs = Dossier.objects.get(pk=dossier.pk), Dossier.objects.get(pk=dossier.pk)
    services.return_result(mine, actor=w.clerk, collected_by="Nguyễn Văn An")
    with pytest.raises(Conflict):
        services.return_result(theirs, actor=w.clerk2, collected_by="Người khác")
    dossier.refresh_from_db()
    assert dossier.collected_by == "Nguyễn Văn An" and dossier.events.filter(action="return_result").count() == 1


def test_a_stale_version_number_is_a_conflict_even_on_a_fresh_instance(world):
    w = world
    dossier = receive(w)
    seen = dossier.event_count
    dossier = services.request_supplement(dossier, actor=w.specialist, items=["Bản sao CCCD"])
    fresh = Dossier.objects.get(pk=dossier.pk)
    with pytest.raises(Conflict):
        services.supplement_received(fresh, actor=w.clerk, expected_version=seen)
    fresh.refresh_from_db()
    assert fresh.status == "awaiting_supplement"
    assert WorkItem.objects.filter(process_id=fresh.process_id, status__in=["NEW", "ASSIGNED"]).count() == 1
