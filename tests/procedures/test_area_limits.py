"""Longer time limits in difficult areas (docs/decisions/0018-area-dependent-limits.md).

Due times worked out by hand on the default office hours (8 working hours a day): a limit of
n working days counted from 09:00 on a working day ends at 09:00 on the n-th working day after.
"""
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from procedures import catalog_io
from procedures.models import Procedure
from procedures.versions import publish_new_version
from tests import factories as f
from tests.procedures.test_catalog_import import ROWS, write_csv
from tests.world import at, receive
from workflows import deadlines, services
from workflows.models import Dossier

pytestmark = pytest.mark.django_db

STEPS = [("Thẩm định hồ sơ", 0, "justice", "specialist", 70), ("Ký", 0, "people_committee", "leader", 30)]


@pytest.fixture
def land_change(world):
    """8 working days, 18 in difficult areas (the land-registration pattern of law-2025.md B12)."""
    return f.procedure(code="1.013980", level_code="commune", time_limit_value=8, time_limit_unit="working_days",
                       time_limit_difficult_value=18, online_level="full", steps=STEPS)


@pytest.fixture
def difficult(world):
    """The world's first commune (with the counter and the staff) in a difficult area; the other is not."""
    world.commune.is_difficult_area = True
    world.commune.save()
    return world


def receive_in_other_commune(w, procedure):
    return receive(w, procedure, clerk=w.other_clerk, agency=w.other_counter, now=at(2026, 3, 2, 9))


def test_a_difficult_area_commune_gets_the_longer_limit(difficult, land_change):
    # Mon 2/3 09:00 + 18 WD: 3,4,5,6 | 9–13 | 16–20 | 23,24,25,26/3 → Thu 26/3 09:00.
    dossier = receive(difficult, land_change, now=at(2026, 3, 2, 9))
    assert dossier.due_at == dossier.original_due_at == at(2026, 3, 26, 9)
    assert sum(step["allotted"] for step in dossier.plan) == 18 * 8 * 3600  # the shares split 18 WD


def test_a_normal_commune_gets_the_normal_limit(difficult, land_change):
    # Mon 2/3 09:00 + 8 WD: 3,4,5,6,9,10,11,12/3 → Thu 12/3 09:00.
    dossier = receive_in_other_commune(difficult, land_change)
    assert dossier.due_at == at(2026, 3, 12, 9)


def test_a_procedure_without_a_difficult_area_limit_has_the_normal_one_everywhere(difficult):
    proc = f.procedure(level_code="commune", time_limit_value=8, time_limit_unit="working_days", steps=STEPS)
    assert receive(difficult, proc, now=at(2026, 3, 2, 9)).due_at == at(2026, 3, 12, 9)
    assert receive_in_other_commune(difficult, proc).due_at == at(2026, 3, 12, 9)


def test_an_online_submission_accepted_in_a_difficult_area_gets_the_longer_limit(difficult, land_change):
    w = difficult
    submitted = services.submit_online(
        procedure=land_change, agency=w.counter, applicant=services.Applicant(name="Lò Văn Panh"),
        document_ids=[], now=at(2026, 2, 27, 20)).dossier
    dossier = services.accept_online(submitted, actor=w.clerk, now=at(2026, 3, 2, 9))
    assert dossier.due_at == at(2026, 3, 26, 9)


def test_a_restart_after_a_supplement_counts_the_longer_limit_again(difficult, land_change):
    w = difficult
    dossier = receive(w, land_change, now=at(2026, 3, 2, 9))
    dossier = services.request_supplement(dossier, actor=w.specialist, items=["Bản sao Giấy chứng nhận"],
                                          now=at(2026, 3, 2, 10))
    dossier = services.supplement_received(dossier, actor=w.clerk, now=at(2026, 3, 4, 14))
    # Wed 4/3 14:00 + 18 WD: 5,6 | 9–13 | 16–20 | 23–27 | 30/3 → Mon 30/3 14:00.
    assert dossier.due_at == dossier.original_due_at == at(2026, 3, 30, 14)


def test_the_unit_is_read_only_for_a_procedure_with_an_area_limit(world, land_change, django_assert_num_queries):
    plain = f.procedure(level_code="commune")
    dossier = Dossier(procedure=plain, receiving_unit_id=world.commune.pk, competent_unit_id=world.commune.pk)
    with django_assert_num_queries(0):
        assert deadlines.area_unit(dossier) is None
    dossier = Dossier(procedure=land_change, receiving_unit_id=world.commune.pk, competent_unit_id=world.commune.pk)
    assert deadlines.area_unit(dossier) == world.commune


# --- The catalog ---------------------------------------------------------------------------------


def test_the_longer_limit_must_be_longer_and_have_a_counted_unit(world):
    proc = f.procedure(time_limit_value=8, time_limit_unit="working_days")
    proc.time_limit_difficult_value = Decimal("8")
    with pytest.raises(ValidationError) as caught:
        proc.full_clean()
    assert caught.value.message_dict == {
        "time_limit_difficult_value": ["Thời hạn tại vùng khó khăn phải dài hơn thời hạn giải quyết thông thường."]}
    proc.time_limit_unit, proc.time_limit_value = "same_day", 0
    with pytest.raises(ValidationError):
        proc.full_clean()
    proc.time_limit_unit, proc.time_limit_value, proc.time_limit_difficult_value = "working_days", 8, 18
    proc.full_clean()


def test_a_new_version_keeps_the_longer_limit(land_change):
    new = publish_new_version(land_change, dt.date(2026, 4, 1))
    assert new.time_limit_difficult_value == Decimal("18")


@pytest.fixture
def catalog(db):
    for code in ("province", "commune"):
        f.level(code)
    for code in ("people_committee", "justice", "finance_planning", "one_stop"):
        f.agency_kind(code)


def test_the_catalog_imports_and_exports_the_longer_limit(catalog, tmp_path):
    rows = [dict(ROWS[0], time_limit_value="8", time_limit_difficult_value="18"), ROWS[1], ROWS[2]]
    result = catalog_io.import_catalog(write_csv(tmp_path / "c.csv", rows))
    assert result.created == 3
    assert Procedure.objects.get(code="1.004873").time_limit_difficult_value == Decimal("18")
    assert Procedure.objects.get(code="2.001583").time_limit_difficult_value is None

    call_command("export_catalog", str(tmp_path / "out.csv"), stdout=io.StringIO())
    exported = catalog_io.read_rows(tmp_path / "out.csv")
    assert [(r["code"], r["time_limit_difficult_value"]) for r in exported] == [
        ("1.001193", ""), ("1.004873", "18"), ("2.001583", "")]
    again = catalog_io.import_catalog(tmp_path / "out.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)

    rows[0] = dict(rows[0], time_limit_difficult_value="")  # the longer limit withdrawn
    assert catalog_io.import_catalog(write_csv(tmp_path / "c2.csv", rows)).updated == 1
    assert Procedure.objects.get(code="1.004873").time_limit_difficult_value is None


@pytest.mark.parametrize(("changes", "reason"), [
    ({"time_limit_difficult_value": "8"}, "8 không dài hơn “time_limit_value” (8)"),
    ({"time_limit_difficult_value": "x"}, "“x” không phải là số"),
    ({"time_limit_difficult_value": "18.25"}, "“18.25” không nằm trong khoảng 0–99999,9, tối đa một chữ số thập phân"),
    ({"time_limit_unit": "same_day", "time_limit_value": "", "time_limit_difficult_value": "2"},
     "thời hạn dài hơn cần đơn vị tính bằng số, không phải “same_day”"),
])
def test_a_bad_longer_limit_is_a_row_error(catalog, tmp_path, changes, reason):
    row = {**ROWS[0], "time_limit_value": "8", **changes}
    with pytest.raises(catalog_io.CatalogError) as caught:
        catalog_io.import_catalog(write_csv(tmp_path / "c.csv", [row]))
    assert caught.value.errors == [f"Dòng 2, cột time_limit_difficult_value: {reason}"]
    assert not Procedure.objects.exists()


def test_a_national_record_keeps_the_local_longer_limit(catalog, tmp_path):
    catalog_io.import_catalog(write_csv(tmp_path / "c.csv", [dict(ROWS[0], time_limit_difficult_value="18")]))
    # A national record carries no longer limit: it is one of the settings kept locally (catalog-format.md).
    record = {**ROWS[0], "_row": 1, "_keep": catalog_io.LOCAL_SETTINGS, "time_limit_value": "5"}
    clean, errors = catalog_io.validate([record])
    assert errors == []
    catalog_io.apply(clean)
    proc = Procedure.objects.get(code="1.004873")
    assert (proc.time_limit_value, proc.time_limit_difficult_value) == (5, Decimal("18"))
