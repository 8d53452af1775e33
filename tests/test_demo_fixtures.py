"""The demo province loads cleanly, twice, and its catalog can be worked in every unit, before
and after the 2025 reform; the present (two tiers) is what is in force today."""
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db.models import Count, F, Sum

from demo import province as demo
from demo.simulation import Simulation, simulate
from procedures.calendar import load_calendar
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
from tests.world import at
from workflows.deadlines import legal_deadline
from workflows.models import ApplicantCapacity, Dossier, StaffMembership, WorkItem
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

REFORM = date(2025, 7, 1)
OLD_UNITS = json.loads((demo.FIXTURES / "lai_chau_units_2019.json").read_text(encoding="utf-8"))
OLD_COMMUNE_COUNT = sum(len(d["communes"]) for d in OLD_UNITS["districts"])


def load():
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def loaded(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"  # the simulation stores its placeholder scans
    load()


def counts():
    User = get_user_model()
    models = [UnitLevel, AdministrativeUnit, AdministrativeUnit.successors.through, AgencyKind, Agency, Field,
              Procedure, ProcedureStep, RequiredDocument, CalendarDay, OfficeHours, OnestopTarget, User,
              User.groups.through, StaffMembership]
    return {m.__name__: m.objects.count() for m in models}


def test_loading_twice_creates_nothing_twice():
    load()
    first = counts()
    load()
    assert counts() == first
    assert first["Procedure"] >= 80  # each demo procedure before and after the reform


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


# Each version is routed in the tree of its period: pre-reform versions (ending on the reform
# date) in the three tiers, post-reform ones (starting on it) in the two tiers.
ERAS = {
    "pre-reform": ({"valid_to": REFORM}, {"valid_from__isnull": True}),
    "post-reform": ({"valid_from": REFORM}, {"valid_to__isnull": True}),
}


@pytest.mark.parametrize("era", ERAS)
def test_every_step_resolves_to_one_agency_from_every_receiving_unit(loaded, era):
    """The key property: one procedure definition serves every unit of its level."""
    versions, in_tree = ERAS[era]
    agencies = {(u, k): n for u, k, n in Agency.objects.values_list("unit", "kind").annotate(n=Count("id"))}
    units = AdministrativeUnit.objects.filter(**in_tree).select_related("level", "parent__parent")
    steps = list(ProcedureStep.objects.filter(**{f"procedure__{k}": v for k, v in versions.items()})
                 .select_related("procedure__level"))
    assert len(steps) >= 80
    for unit in units:
        level_code = unit.level.code
        for step in (s for s in steps if s.procedure.level.code == level_code):
            target = unit.ancestor(step.unit_offset)
            assert target is not None, (unit, step.procedure.code, step)
            assert agencies.get((target.pk, step.agency_kind_id)) == 1, (unit, step.procedure.code, step)


@pytest.mark.parametrize(("era", "code"), [("pre-reform", demo.DEMO_COMMUNE_CODE + demo.HISTORICAL_CODE_SUFFIX),
                                           ("post-reform", demo.DEMO_NEW_COMMUNE_CODE)])
def test_the_demo_commune_can_work_every_commune_procedure(loaded, era, code):
    commune = AdministrativeUnit.objects.get(code=code)
    commune_procedures = Procedure.objects.filter(level__code="commune", **ERAS[era][0])
    assert commune_procedures.count() >= 15
    for step in ProcedureStep.objects.filter(procedure__in=commune_procedures):
        unit = commune.ancestor(step.unit_offset)
        assert Agency.objects.filter(unit=unit, kind=step.agency_kind).exists(), (step.procedure.code, step)


def test_the_post_reform_versions_are_in_force_today(loaded, frozen_now):
    today = frozen_now.date()
    codes = set(Procedure.objects.values_list("code", flat=True))
    assert len(codes) == 44
    for code in codes:
        old, new = Procedure.objects.filter(code=code).order_by("pk")  # two versions of every code
        assert (old.valid_from, old.valid_to, new.valid_from, new.valid_to) == (None, REFORM, REFORM, None), code
        assert Procedure.objects.version_of(code, today) == new
        assert Procedure.objects.version_of(code, date(2025, 6, 30)) == old
    in_force = Procedure.objects.in_force(today)
    # No district after the reform: the level the national record gives, commune or province.
    assert set(in_force.values_list("level__code", flat=True)) == {"commune", "province"}
    assert not ProcedureStep.objects.filter(procedure__in=in_force, unit_offset__gt=1).exists()
    moved = dict(in_force.filter(code__in=["1.001612", "1.013980", "1.012753", "3.000333"])
                 .values_list("code", "level__code"))
    assert moved == {"1.001612": "commune", "1.013980": "province", "1.012753": "commune", "3.000333": "province"}
    assert in_force.get(code="3.000333").competent_agency_kind.code == "police"  # Công an tỉnh since 7/2025
    # Hand-overs inside the two tiers: commune → province.
    assert in_force.filter(level__code="commune", is_interlinked=True, steps__unit_offset=1).distinct().count() >= 3


def test_the_old_communes_have_their_successors(loaded):
    old = AdministrativeUnit.objects.filter(level__code="commune", valid_to=REFORM).prefetch_related("successors")
    assert old.count() == 106
    for commune in old:
        successors = list(commune.successors.all())
        assert len(successors) == 1, commune  # NQ 1670: each old commune passes whole to one new one
        assert successors[0].valid_from == REFORM
        assert successors[0].parent.level.code == "province"
    new = AdministrativeUnit.objects.filter(valid_from=REFORM).prefetch_related("predecessors")
    for commune in new:
        predecessor_codes = {p.code.removesuffix(demo.HISTORICAL_CODE_SUFFIX) for p in commune.predecessors.all()}
        # Consistent with the GSO data: a new commune took the code of one of its predecessors.
        assert commune.code in predecessor_codes, commune
    binh_lu = AdministrativeUnit.objects.get(code=demo.DEMO_NEW_COMMUNE_CODE)
    assert sorted(p.name for p in binh_lu.predecessors.all()) == ["Thị trấn Tam Đường", "Xã Bình Lư", "Xã Sơn Bình"]
    links = json.loads((demo.FIXTURES / "lai_chau_successors_2025.json").read_text(encoding="utf-8"))
    assert links["unmatched"] == [] and all(link["basis"].startswith("NQ 1670") for link in links["links"])


def test_difficult_areas_are_marked_and_lengthen_the_limit(loaded, frozen_now):
    difficult = AdministrativeUnit.objects.filter(is_difficult_area=True)
    new = set(difficult.filter(valid_from=REFORM).values_list("code", flat=True))
    assert new == set(demo.DIFFICULT_AREA_COMMUNES) and len(new) >= 5
    pa_u = AdministrativeUnit.objects.get(code="03442")
    assert {p.is_difficult_area for p in pa_u.predecessors.all()} == {True}  # Tá Bạ and Pa Ủ
    assert not AdministrativeUnit.objects.get(code=demo.DEMO_NEW_COMMUNE_CODE).is_difficult_area
    assert not AdministrativeUnit.objects.get(level__code="province").is_difficult_area

    longer = Procedure.objects.in_force(frozen_now.date()).filter(time_limit_difficult_value__isnull=False)
    assert {p.code: (p.time_limit_value, p.time_limit_difficult_value) for p in longer} == {
        "1.013978": (20, 30), "1.013980": (8, 18), "1.012753": (20, 30)}
    land = longer.get(code="1.012753")
    cal = load_calendar(pa_u.pk)
    # Mon 2/3/2026 09:00 + 20 WD → Mon 30/3 09:00; + 30 WD → Mon 13/4 09:00 (no holiday in between).
    assert legal_deadline(land, cal, at(2026, 3, 2, 9), pa_u).due_at == at(2026, 4, 13, 9)
    binh_lu = AdministrativeUnit.objects.get(code=demo.DEMO_NEW_COMMUNE_CODE)
    assert legal_deadline(land, cal, at(2026, 3, 2, 9), binh_lu).due_at == at(2026, 3, 30, 9)


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


def test_centres_have_a_branch_or_reception_points_from_the_reform(loaded, frozen_now):
    """NĐ 118/2025 Art. 7: the provincial centre and some commune centres receive at further places."""
    points = Agency.objects.in_force(frozen_now.date()).filter(parent__isnull=False).select_related("parent", "kind")
    assert points.count() == len(demo.RECEPTION_POINTS) >= 3
    for point in points:
        assert point.kind.is_one_stop_counter and point.parent.kind.is_one_stop_counter
        assert point.unit_id == point.parent.unit_id and point.parent.parent_id is None
        assert point.valid_from == REFORM and point.address
    levels = {p.unit.level.code for p in points}
    assert levels == {"province", "commune"}  # the province's branch and commune reception points
    province_centre = Agency.objects.get(unit__level__code="province", kind__code="one_stop", parent__isnull=True)
    assert province_centre.branches.exists()
    assert not Agency.objects.in_force(date(2025, 6, 30)).filter(parent__isnull=False).exists()


def test_a_clerk_works_at_a_reception_point_and_is_listed(loaded):
    memberships = StaffMembership.objects.filter(user__username="sonbinh.clerk").select_related("agency__parent")
    assert [m.agency.name for m in memberships] == ["Điểm tiếp nhận Sơn Bình – xã Bình Lư"]
    assert memberships[0].agency.parent.unit.code == demo.DEMO_NEW_COMMUNE_CODE
    assert get_user_model().objects.get(username="sonbinh.clerk").groups.get().name == "clerk"
    # The centre's own clerk is not a member of the point.
    assert not StaffMembership.objects.filter(user__username="binhlu.clerk", agency__parent__isnull=False).exists()
    row = next(r for r in demo.demo_logins() if r["username"] == "sonbinh.clerk")
    assert row["unit"] == "Điểm tiếp nhận Sơn Bình – xã Bình Lư (from 2025-07-01)"


def test_the_post_reform_catalog_lists_procedures_received_regardless_of_boundary(loaded, frozen_now):
    in_force = Procedure.objects.in_force(frozen_now.date())
    listed = in_force.filter(boundless_receipt=True)
    assert listed.count() > in_force.count() / 2  # most of the commune procedures, some of the province's
    assert set(listed.values_list("level__code", flat=True)) == {"commune", "province"}
    assert listed.filter(field__code="ho-tich", competence_basis="residence").count() >= 5
    assert set(listed.filter(field__code="dat-dai").values_list("competence_basis", flat=True)) == {"location"}
    # Residence, identity cards and vehicles stay with the commune police.
    assert not in_force.filter(field__code__in=["cu-tru", "can-cuoc", "dang-ky-xe"], boundless_receipt=True).exists()
    assert not Procedure.objects.filter(valid_to=REFORM, boundless_receipt=True).exists()  # a 2025 list


@pytest.mark.parametrize("tier", ["binhlu", "tinh", "doanket", "xa", "huyen"])
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


@pytest.mark.parametrize(("era", "username"), [("pre-reform", "xa.specialist"), ("post-reform", "binhlu.specialist")])
def test_demo_commune_specialist_covers_every_commune_step(loaded, era, username):
    specialist_kinds = set(StaffMembership.objects.filter(user__username=username)
                           .values_list("agency__kind__code", flat=True))
    commune_step_kinds = set(ProcedureStep.objects.filter(procedure__level__code="commune", unit_offset=0,
                                                          **{f"procedure__{k}": v for k, v in ERAS[era][0].items()})
                             .values_list("agency_kind__code", flat=True))
    assert commune_step_kinds <= specialist_kinds


def test_the_logins_list_the_present_first(loaded):
    logins = demo.demo_logins()
    assert [row["username"] for row in logins[:5]] == [
        "binhlu.clerk", "binhlu.specialist", "binhlu.leader", "binhlu.supervisor", "tinh.clerk"]
    assert logins[0]["unit"] == "Xã Bình Lư (from 2025-07-01)"
    assert next(r for r in logins if r["username"] == "xa.clerk")["unit"] == "Xã Bình Lư (until 2025-07-01)"


@pytest.mark.parametrize(("until", "tree"), [(at(2026, 3, 4, 17), {"valid_to__isnull": True}),
                                             (at(2025, 6, 27, 17), {"valid_from__isnull": True})])
def test_the_simulation_runs_on_the_tree_of_its_days(loaded, until, tree):
    report = simulate(days=2, per_day=4, until=until)
    assert report.received == 8
    dossiers = Dossier.objects.select_related("receiving_unit", "procedure")
    assert all(AdministrativeUnit.objects.filter(pk=d.receiving_unit_id, **tree).exists() for d in dossiers)
    day = until.date()
    assert all(Procedure.objects.in_force(day).filter(pk=d.procedure_id).exists() for d in dossiers)


def test_the_simulation_shows_the_rules_in_force(loaded):
    """After the reform: received regardless of boundary, returned elsewhere, filed for someone else,
    stopped at the applicant's request; deterministic by the seed."""
    report = simulate(days=4, per_day=8, until=at(2026, 3, 4, 17))
    assert report.received == 32 and report.skipped == 0
    dossiers = Dossier.objects.select_related("competent_unit", "receiving_agency__unit")

    elsewhere = [d for d in dossiers if d.received_out_of_area]
    handled = 0
    for d in elsewhere:
        assert d.competent_unit_id != d.receiving_unit_id and d.procedure.boundless_receipt
        assert d.competent_unit.path == d.unit_path
        steps = WorkItem.objects.filter(process__dossier=d, step_index__isnull=False).select_related("agency__unit")
        if d.status in (Status.SUBMITTED, Status.REFUSED):  # online, not (yet) accepted at the counter
            assert not steps
            continue
        # Handled by the competent unit's agencies (a hand-over step: by the unit above it).
        assert all(d.competent_unit.path.startswith(item.agency.unit.path) for item in steps), d.code
        assert steps.filter(step_index=0).get().agency.unit_id == d.competent_unit_id, d.code
        handled += 1
    assert handled >= 2

    stopped = dossiers.filter(status=Status.STOPPED)
    assert stopped.exists()
    assert all(d.closed_at and d.events.filter(action="stop").exists() for d in stopped)

    authorised = dossiers.filter(applicant_capacity=ApplicantCapacity.AUTHORISED)
    assert authorised.exists() and all(d.authorisation_document and d.subject_name for d in authorised)
    assert dossiers.filter(applicant_capacity=ApplicantCapacity.LEGAL_REPRESENTATIVE).exclude(subject_name="").exists()
    assert dossiers.exclude(return_agency_id=F("receiving_agency_id")).exists()


def test_the_simulation_plans_the_same_dossiers_for_the_same_seed(loaded):
    def planned(seed):
        sim = Simulation(seed=seed, until=at(2026, 3, 4, 17))
        sim.plan_days(3, 6)
        return [(instant, route.counter.pk, route.procedure.pk, route.competent_unit and route.competent_unit.pk)
                for instant, _n, _action, (route,) in sorted(sim.queue)]

    first = planned(1)
    assert first == planned(1) != planned(2)
    assert any(competent for *_r, competent in first)  # some received for another unit


def test_demo_password_logs_in_and_admin_is_superuser(loaded, rf):
    # Login throttling (django-axes) needs the request, as the login view passes it.
    request = rf.post("/login/")
    assert authenticate(request, username="xa.clerk", password=demo.DEMO_PASSWORD) is not None
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.groups.filter(name="catalog_admin").exists()
