"""One eligibility rule ("who may hold a step"): the Python check, the pickers' queryset and the
hand-over's fixed SQL agree; the work-item querysets name the open item and the agency queue."""
import pytest

from tests import factories as f
from tests.world import receive
from workflows import access, services
from workflows.flows import eligible_user_ids, eligible_users, eligible_users_in
from workflows.models import WorkItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidates(world):
    """Candidates for a specialist step at the commune's justice office."""
    agency = world.justice
    return agency, {
        "active member with the role": f.user("able", "specialist", [agency]),
        "inactive member with the role": f.user("gone", "specialist", [agency], is_active=False),
        "member of another agency": f.user("elsewhere", "specialist", [world.land]),
        "member without the role": f.user("roleless", "leader", [agency]),
        "no membership at all": f.user("outsider", "specialist"),
    }


EXPECTED = {
    "active member with the role": True,
    "inactive member with the role": False,
    "member of another agency": False,
    "member without the role": False,
    "no membership at all": False,
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_the_python_rule_and_the_sql_rules_agree(candidates, case):
    agency, users = candidates
    user = type(users[case]).objects.get(pk=users[case].pk)  # fresh: no cached facts
    python = access.may_hold(user, agency.pk, "specialist")
    listed = eligible_users(agency.pk, "specialist").filter(pk=user.pk).exists()
    engine = eligible_user_ids(agency.pk, "specialist", only=user.pk) == [user.pk]
    slots = eligible_users_in([(agency.pk, "specialist")]).filter(pk=user.pk).exists()
    assert python == listed == engine == slots == EXPECTED[case]


def test_the_whole_sets_agree(world, candidates):
    agency, _users = candidates
    listed = set(eligible_users(agency.pk, "specialist").values_list("pk", flat=True))
    assert listed == {world.specialist.pk, _users["active member with the role"].pk}
    assert set(eligible_user_ids(agency.pk, "specialist")) == listed  # at most two: exactly these
    everyone = type(world.specialist).objects.all()
    assert {u.pk for u in everyone if access.may_hold(u, agency.pk, "specialist")} == listed


def test_the_check_on_a_work_item_is_the_rule(world, candidates):
    agency, users = candidates
    dossier = receive(world)
    task = WorkItem.objects.open_for(dossier).get()
    assert (task.agency_id, task.role) == (agency.pk, "specialist")
    for case, expected in EXPECTED.items():
        assert access.can_take(users[case], task) is expected
        assert access.can_claim(users[case], task) is expected  # nobody holds it yet
    services.start_processing(dossier, actor=world.specialist)
    task.refresh_from_db()
    assert not access.can_claim(users["active member with the role"], task)  # held now
    assert access.can_take(users["active member with the role"], task)


def test_open_for_names_the_one_open_human_item(world):
    dossier = receive(world)
    first = WorkItem.objects.open_for(dossier).get()
    dossier = services.complete_step(dossier, actor=world.specialist)
    second = WorkItem.objects.open_for(dossier).get()
    assert second.pk != first.pk and second.role == "leader"
    assert not WorkItem.objects.open().filter(pk=first.pk).exists()
    unsaved = type(dossier)(pk=None)
    assert not WorkItem.objects.open_for(unsaved).exists()


def test_queue_for_is_the_agency_queue_of_what_the_user_may_hold(world):
    dossier = receive(world)
    task = WorkItem.objects.open_for(dossier).get()
    assert task in WorkItem.objects.queue_for(world.specialist)
    assert task not in WorkItem.objects.queue_for(world.leader)  # another agency's step
    assert task not in WorkItem.objects.queue_for(world.land_specialist)
    gone = f.user("gone_specialist", "specialist", [world.justice], is_active=False)
    assert not WorkItem.objects.queue_for(gone).exists()
    assert access.work_items_for(world.specialist).filter(pk=task.pk).exists()  # the documented alias
    services.complete_step(dossier, actor=world.specialist)
    assert task not in WorkItem.objects.queue_for(world.specialist)  # done: out of the queue
