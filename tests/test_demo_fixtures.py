"""The demo province loads cleanly, twice, and its catalog can be worked in every unit."""
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count, Sum

from demo import province as demo
from procedures.models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    CalendarDay,
    Field,
    OfficeHours,
    OnestopTarget,
    Procedure,
    ProcedureStep,
    RequiredDocument,
    UnitLevel,
)
from workflows.models import StaffMembership

pytestmark = pytest.mark.django_db

REFORM = date(2025, 7, 1)
OLD_UNITS = json.loads((demo.FIXTURES / "lai_chau_units_2019.json").read_text(encoding="utf-8"))
OLD_COMMUNE_COUNT = sum(len(d["communes"]) for d in OLD_UNITS["districts"])


def load():
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def loaded():
    load()


def counts():
    User = get_user_model()
    models = [UnitLevel, AdministrativeUnit, AgencyKind, Agency, Field, Procedure, ProcedureStep,
              RequiredDocument, CalendarDay, OfficeHours, OnestopTarget, User, User.groups.through,
              StaffMembership]
    return {m.__name__: m.objects.count() for m in models}


def test_loading_twice_creates_nothing_twice():
    load()
    first = counts()
    load()
    assert counts() == first
    assert first["Procedure"] >= 40


def test_units_cover_both_structures(loaded):
    by_level = dict(AdministrativeUnit.objects.values_list("level__code").annotate(n=Count("id")))
    province = AdministrativeUnit.objects.get(level__code="province")
    districts = AdministrativeUnit.objects.filter(level__code="district")
    assert by_level["province"] == 1
    assert districts.count() == 8
    assert set(districts.values_list("valid_to", flat=True)) == {REFORM}
    assert districts.filter(name="Thành phố Lai Châu").exists()
    old = AdministrativeUnit.objects.filter(level__code="commune", parent__level__code="district")
    assert old.count() == OLD_COMMUNE_COUNT == 106
    assert set(old.values_list("valid_to", flat=True)) == {REFORM}
    new = AdministrativeUnit.objects.filter(valid_from=REFORM)
    assert new.count() == 38
    assert set(new.values_list("parent", flat=True)) == {province.pk}
    assert set(new.values_list("level__code", flat=True)) == {"commune"}


def test_materialised_paths_follow_the_tree(loaded):
    for unit in AdministrativeUnit.objects.select_related("parent"):
        expected = f"{unit.parent.path if unit.parent else '/'}{unit.pk}/"
        assert unit.path == expected, unit


def test_agency_identifiers_follow_the_official_structure(loaded):
    pattern = re.compile(r"\d{3}\.\d{2}\.\d{2}\.H\d{2}")
    identifiers = list(Agency.objects.values_list("identifier", flat=True))
    assert all(pattern.fullmatch(i) for i in identifiers)
    assert len(identifiers) == len(set(identifiers))


def test_every_procedure_has_steps_sharing_the_whole_time_limit(loaded):
    totals = Procedure.objects.annotate(total=Sum("steps__share_percent"), n=Count("steps"))
    assert all(p.total == Decimal("100") for p in totals), [p.code for p in totals if p.total != 100]
    for procedure in Procedure.objects.prefetch_related("steps"):
        assert list(procedure.steps.all())[-1].role == "leader", procedure.code  # a leader decides last


def test_at_least_five_procedures_hand_over_across_levels(loaded):
    interlinked = Procedure.objects.filter(is_interlinked=True, steps__unit_offset__gte=1).distinct()
    assert interlinked.count() >= 5
    assert Procedure.objects.filter(steps__unit_offset=2).exists()


def test_every_step_resolves_to_one_agency_from_every_receiving_unit(loaded):
    """The key property: one procedure definition serves every unit of its level."""
    agencies = {(u, k): n for u, k, n in Agency.objects.values_list("unit", "kind").annotate(n=Count("id"))}
    # The pre-reform tree (province, districts, old communes): the catalog models its routing.
    units = (AdministrativeUnit.objects.filter(valid_from__isnull=True)
             .select_related("level", "parent__parent"))
    steps = list(ProcedureStep.objects.select_related("procedure__level"))
    for unit in units:
        level_code = unit.level.code
        for step in (s for s in steps if s.procedure.level.code == level_code):
            target = unit.ancestor(step.unit_offset)
            assert target is not None, (unit, step.procedure.code, step)
            assert agencies.get((target.pk, step.agency_kind_id)) == 1, (unit, step.procedure.code, step)


def test_the_demo_commune_can_work_every_commune_procedure(loaded):
    commune = AdministrativeUnit.objects.get(code=demo.DEMO_COMMUNE_CODE + demo.HISTORICAL_CODE_SUFFIX)
    commune_procedures = Procedure.objects.filter(level__code="commune")
    assert commune_procedures.count() >= 15
    for step in ProcedureStep.objects.filter(procedure__in=commune_procedures):
        unit = commune.ancestor(step.unit_offset)
        assert Agency.objects.filter(unit=unit, kind=step.agency_kind).exists(), (step.procedure.code, step)


def test_catalog_one_stop_share_is_realistic(loaded):
    total = Procedure.objects.count()
    share = Procedure.objects.filter(is_one_stop=True).count() / total
    assert 0.60 <= share <= 0.95
    assert set(Procedure.objects.values_list("level__code", flat=True)) == {"province", "district", "commune"}
    assert Procedure.objects.filter(supplement_clock_rule="pause").count() >= 2
    assert Procedure.objects.exclude(online_level="none").exists()


def test_targets_and_office_hours(loaded):
    province = AdministrativeUnit.objects.get(level__code="province")
    targets = OnestopTarget.objects.filter(unit=province)
    assert sorted(targets.values_list("year", flat=True)) == [2025, 2026, 2027]
    assert set(targets.values_list("share_percent", flat=True)) == {Decimal("68")}
    assert OfficeHours.objects.filter(unit__isnull=True).count() == 1


@pytest.mark.parametrize("tier", ["xa", "huyen", "tinh"])
def test_demo_staff_have_their_role_and_agencies(loaded, tier):
    User = get_user_model()
    users = {u.username.split(".")[1]: u for u in User.objects.filter(username__startswith=f"{tier}.")}
    assert set(users) == {"clerk", "specialist", "leader", "supervisor"}
    units = set()
    for role, user in users.items():
        assert list(user.groups.values_list("name", flat=True)) == [role]
        memberships = StaffMembership.objects.filter(user=user).select_related("agency__kind")
        kinds = {m.agency.kind.code for m in memberships}
        units |= {m.agency.unit_id for m in memberships}
        if role == "clerk":
            assert kinds == {"one_stop"}
        elif role == "supervisor":
            assert kinds == {"people_committee"}
            assert all(m.supervised_unit_id == m.agency.unit_id for m in memberships)
        else:
            assert {"people_committee"} < kinds and "one_stop" not in kinds
    assert len(units) == 1
    assert users["specialist"].get_full_name().count(" ") >= 2  # a full Vietnamese name


def test_demo_commune_specialist_covers_every_commune_step(loaded):
    specialist_kinds = set(StaffMembership.objects.filter(user__username="xa.specialist")
                           .values_list("agency__kind__code", flat=True))
    commune_step_kinds = set(ProcedureStep.objects.filter(procedure__level__code="commune", unit_offset=0)
                             .values_list("agency_kind__code", flat=True))
    assert commune_step_kinds <= specialist_kinds


def test_demo_password_logs_in_and_admin_is_superuser(loaded, rf):
    # Login throttling (django-axes) needs the request, as the login view passes it.
    request = rf.post("/login/")
    assert authenticate(request, username="xa.clerk", password=demo.DEMO_PASSWORD) is not None
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name="catalog_admin").exists()
