"""The index-friendly scope (`access.scope_branches`, the paged lists) is the same set as `dossiers_for`.

A varied dataset: dossiers received at both communes and the district, returned at another
counter, sent up to the district (liên thông), refused at the counter (no process), and users
of every kind: clerks of one or two counters, a clerk who also processes, specialists,
leaders, a supervisor, a superuser, an inactive user, a user without a role.
"""
import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.db.models import Exists, OuterRef, Q

from tests import factories as f
from tests.world import at, receive
from workflows import access, services
from workflows.models import Dossier, DossierHold, WorkItem
from workflows.roles import Role

pytestmark = pytest.mark.django_db


def straightforward(user):
    """The rule as a plain Q form, written independently of workflows.access."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return set(Dossier.objects.values_list("pk", flat=True))
    agencies = set(user.memberships.values_list("agency_id", flat=True))
    roles = set(user.groups.values_list("name", flat=True))
    cond = Q(pk__in=[])
    if Role.CLERK in roles:
        cond |= Q(receiving_agency_id__in=agencies) | Q(return_agency_id__in=agencies)
    if roles & {Role.CLERK, Role.SPECIALIST, Role.LEADER}:
        cond |= Exists(WorkItem.objects.filter(process_id=OuterRef("process_id"), agency_id__in=agencies))
    if Role.SUPERVISOR in roles:
        for m in user.memberships.exclude(supervised_unit=None).select_related("supervised_unit"):
            cond |= Q(unit_path__startswith=m.supervised_unit.path)
    return set(Dossier.objects.filter(cond).values_list("pk", flat=True))


@pytest.fixture
def varied(world):
    w = world
    for day in range(2, 6):
        mine = receive(w, now=at(2026, 3, day, 9))
        receive(w, clerk=w.other_clerk, agency=w.other_counter, now=at(2026, 3, day, 10))
    services.complete_step(mine, actor=w.specialist, now=at(2026, 3, 5, 14))  # the leader holds the last one
    linked = receive(w, w.linked_proc, now=at(2026, 3, 3, 11))
    services.complete_step(linked, actor=w.specialist, now=at(2026, 3, 3, 14))  # now held at the district
    returned_elsewhere = receive(w, now=at(2026, 3, 4, 11))
    Dossier.objects.filter(pk=returned_elsewhere.pk).update(return_agency=w.district_counter)
    no_process = receive(w, clerk=w.other_clerk, agency=w.other_counter, now=at(2026, 3, 5, 15))
    Dossier.objects.filter(pk=no_process.pk).update(process=None)
    DossierHold.objects.filter(dossier=no_process).delete()  # refused at the counter: no work, no holds
    # same instant for two dossiers: the id breaks the tie in the list order
    receive(w, now=at(2026, 3, 6, 9))
    receive(w, now=at(2026, 3, 6, 9))
    w.two_counters = f.user("two_counters", "clerk", [w.counter, w.other_counter])
    w.clerk_and_specialist = f.user("clerk_spec", "clerk", [w.counter, w.justice])
    w.clerk_and_specialist.groups.add(*Group.objects.filter(name=Role.SPECIALIST))
    w.root = f.user("root", is_superuser=True)
    w.inactive = f.user("gone", "clerk", [w.counter], is_active=False)
    w.roleless = f.user("nobody", None, [w.counter])
    return w


def users(w):
    return [w.clerk, w.other_clerk, w.district_clerk, w.specialist, w.leader, w.land_specialist, w.tax_specialist,
            w.district_leader, w.supervisor, w.two_counters, w.clerk_and_specialist, w.root, w.inactive,
            w.roleless, AnonymousUser()]


def _fresh(user):
    """The user without cached memberships and roles (each helper reads them once per request)."""
    if user.is_authenticated:
        user = type(user).objects.get(pk=user.pk)
    return user


def test_the_branches_are_the_same_set_as_dossiers_for_for_every_kind_of_user(varied):
    assert Dossier.objects.count() == 13
    for user in users(varied):
        user = _fresh(user)
        expected = straightforward(user)
        assert set(access.dossiers_for(user).values_list("pk", flat=True)) == expected, user
        branches = access.scope_branches(user)
        if branches is not None:
            union = set()
            for b in branches:
                union |= set(Dossier.objects.filter(b.condition).values_list("pk", flat=True))
            assert union == expected, user
        paged = set(access.visible_slice(user, Dossier.objects.all(), ("-created_at", "-id"), 0, 100)
                    .values_list("pk", flat=True))
        assert paged == expected, user
        assert access.count_visible(user, Dossier.objects.all(), 100) == len(expected), user
    # the dataset is varied enough to tell the users apart
    assert len({frozenset(straightforward(_fresh(u))) for u in users(varied)}) >= 7


def test_every_page_is_the_slice_of_the_plain_ordered_list(varied):
    order = ("-created_at", "-id")
    for user in (varied.clerk, varied.two_counters, varied.clerk_and_specialist, varied.supervisor):
        user = _fresh(user)
        whole = list(access.dossiers_for(user).order_by(*order).values_list("pk", flat=True))
        assert len(whole) >= 3
        for start in range(0, len(whole) + 2):
            page = list(access.visible_slice(user, Dossier.objects.all(), order, start, start + 3)
                        .values_list("pk", flat=True))
            assert page == whole[start:start + 3], (user, start)


def test_filters_apply_inside_each_branch(varied):
    user = _fresh(varied.two_counters)
    filtered = Dossier.objects.filter(received_at__lt=at(2026, 3, 4))
    expected = set(access.dossiers_for(user).filter(received_at__lt=at(2026, 3, 4)).values_list("pk", flat=True))
    assert len(expected) == 5
    got = access.visible_slice(user, filtered, ("-created_at", "-id"), 0, 2)
    assert len(list(got)) == 2 and set(got.values_list("pk", flat=True)) <= expected
    assert access.count_visible(user, filtered, 100) == 5


def test_the_count_stops_just_past_its_cap(varied):
    user = _fresh(varied.two_counters)
    n = len(straightforward(user))
    assert n == 13
    assert access.count_visible(user, Dossier.objects.all(), 11) == 12  # cap + 1: "more than 11"
    assert access.count_visible(user, Dossier.objects.all(), 13) == 13
    assert access.count_visible(_fresh(varied.root), Dossier.objects.all(), 5) == 6


def test_the_holds_are_the_agencies_of_the_dossiers_work_items(world):
    """A hold per agency the work passed through, once however often the work comes back to it."""
    w = world
    d = receive(w, now=at(2026, 3, 2, 9))
    d = services.start_processing(d, actor=w.specialist, now=at(2026, 3, 2, 10))
    d = services.request_supplement(d, actor=w.specialist, items=["Bản sao giấy tờ"], now=at(2026, 3, 2, 11))
    d = services.supplement_received(d, actor=w.clerk, now=at(2026, 3, 3, 9))
    d = services.complete_step(d, actor=w.specialist, now=at(2026, 3, 3, 10))
    items = WorkItem.objects.filter(process_id=d.process_id)
    assert items.count() >= 4 and items.values("agency_id").distinct().count() == 3  # justice, counter, leader's
    for dossier in Dossier.objects.exclude(process=None):
        held = set(DossierHold.objects.filter(dossier=dossier).values_list("agency_id", "created_at"))
        worked = set(WorkItem.objects.filter(process_id=dossier.process_id).values_list("agency_id", flat=True))
        assert held == {(a, dossier.created_at) for a in worked}, dossier
