"""The demo's petitions: one in each state, through the services, and only once."""
import pytest

from demo.petitions import seed_petitions
from petitions.models import Petition
from tests.world import at, receive
from workflows import services as dossier_services

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_a_petition_in_each_state(world):
    d = receive(world, now=at(2026, 3, 2, 9))
    d = dossier_services.start_processing(d, actor=world.specialist, now=at(2026, 3, 2, 10))
    d = dossier_services.complete_step(d, actor=world.specialist, now=at(2026, 3, 2, 11))
    d = dossier_services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 2, 14))
    dossier_services.return_result(d, actor=world.clerk, collected_by="An", now=at(2026, 3, 3, 9))
    assert seed_petitions(at(2026, 4, 30, 17)) == 7
    states = list(Petition.objects.order_by("received_at").values_list("state", "disliked", "dossier_id"))
    assert [s for s, _d, _x in states] == ["received", "awaiting_info", "refused", "answered", "published",
                                           "published", "received"]
    assert states[5][1] is True and states[4][2] == d.pk
    assert Petition.objects.get(re_raised_from__isnull=False).re_raised_from.disliked
    assert seed_petitions(at(2026, 4, 30, 17)) == 0  # once
