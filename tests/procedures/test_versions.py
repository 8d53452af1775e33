"""Procedure versions (phiên bản thủ tục): one row per version, disjoint validity periods per code.

The database keeps one open version per code; clean() refuses overlaps; publishing a version
copies documents and steps and closes the old one; dossiers keep their version; the catalog
import keys rows by (code, valid_from); receiving refuses a version not in force that day.
"""
import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from procedures import catalog_io
from procedures.models import Procedure, ProcedureStep, RequiredDocument
from procedures.versions import publish_new_version
from tests import factories as f
from tests.procedures.test_catalog_import import ROWS, write_csv
from tests.world import at, receive
from workflows import services
from workflows.errors import InvalidInput
from workflows.models import Dossier

pytestmark = pytest.mark.django_db

REFORM = dt.date(2025, 7, 1)
D = dt.date


def version(code="1.000100", valid_from=None, valid_to=None, **kw):
    return f.procedure(code=code, valid_from=valid_from, valid_to=valid_to, **kw)


# --- The model -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("first", "second"), [
    ((None, None), (REFORM, None)),  # two open versions
    ((None, REFORM), (None, D(2026, 1, 1))),  # two without a start
    ((REFORM, D(2026, 1, 1)), (REFORM, None)),  # the same start
])
def test_the_database_refuses_versions_that_must_overlap(first, second):
    version(valid_from=first[0], valid_to=first[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        version(valid_from=second[0], valid_to=second[1])


def test_adjacent_versions_are_fine_and_the_helper_finds_the_one_in_force():
    old = version(valid_to=REFORM, level_code="district")
    new = version(valid_from=REFORM, level_code="commune")
    new.full_clean()
    old.full_clean()

    assert Procedure.objects.version_of("1.000100", D(2025, 6, 30)) == old
    assert Procedure.objects.version_of("1.000100", REFORM) == new
    assert Procedure.objects.version_of("9.999999", REFORM) is None
    assert list(old.versions()) == [old, new]


@pytest.mark.parametrize(("start", "end"), [
    (None, None), (D(2025, 6, 30), None), (None, D(2025, 7, 2)), (D(2025, 8, 1), D(2025, 9, 1)),
])
def test_clean_refuses_a_period_overlapping_another_version(start, end):
    version(valid_from=REFORM)
    other = Procedure(code="1.000100", name="Khác", field=f.field(), level=f.level("commune"),
                      competent_agency_kind=f.agency_kind("people_committee"), valid_from=start, valid_to=end)
    with pytest.raises(ValidationError) as caught:
        other.full_clean()
    assert caught.value.messages == [
        "Thời gian hiệu lực trùng với một phiên bản khác của thủ tục 1.000100 "
        "(hiệu lực từ 01/07/2025, hết hiệu lực từ —)."]

    other.valid_to = REFORM  # ends the day the other starts: adjacent
    other.valid_from = None
    other.full_clean()


def test_clean_refuses_an_end_not_after_the_start():
    proc = version(valid_from=REFORM)
    proc.valid_to = REFORM
    with pytest.raises(ValidationError) as caught:
        proc.full_clean()
    assert caught.value.message_dict["valid_to"] == ["Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."]


# --- Publishing a version ------------------------------------------------------------------------


def test_publishing_copies_documents_and_steps_and_closes_the_old_version():
    old = version(valid_from=D(2020, 1, 1), time_limit_value=5, level_code="district",
                  documents=[("Tờ khai", True), ("Giấy tờ khác", False)],
                  steps=[("Thẩm định", 1, "justice", "specialist", 70), ("Ký", 1, "people_committee", "leader", 30)])
    commune = f.level("commune")

    new = publish_new_version(old, REFORM, level=commune, time_limit_value=Decimal("3"))

    assert old.valid_to == REFORM
    old.refresh_from_db()
    assert (old.valid_from, old.valid_to, old.time_limit_value, old.level.code) == (
        D(2020, 1, 1), REFORM, 5, "district")
    assert (new.code, new.name, new.valid_from, new.valid_to) == (old.code, old.name, REFORM, None)
    assert (new.level, new.time_limit_value) == (commune, 3)
    docs = [(d.order, d.name, d.copies, d.form, d.is_mandatory) for d in new.documents.all()]
    assert docs == [(d.order, d.name, d.copies, d.form, d.is_mandatory) for d in old.documents.all()]
    steps = [(s.order, s.name, s.unit_offset, s.agency_kind_id, s.role, s.share_percent) for s in new.steps.all()]
    assert steps == [(s.order, s.name, s.unit_offset, s.agency_kind_id, s.role, s.share_percent)
                     for s in old.steps.all()]
    assert len(steps) == 2 and len(docs) == 2
    assert RequiredDocument.objects.count() == 4 and ProcedureStep.objects.count() == 4  # copies, not moves


def test_splitting_a_closed_version_keeps_its_end_and_a_revived_code_goes_on():
    first = version(valid_from=D(2020, 1, 1), valid_to=D(2026, 1, 1))
    middle = publish_new_version(first, REFORM)
    assert (middle.valid_from, middle.valid_to) == (REFORM, D(2026, 1, 1))

    revived = publish_new_version(middle, D(2026, 1, 1))  # the code had ended that day
    assert (revived.valid_from, revived.valid_to) == (D(2026, 1, 1), None)
    assert [(v.valid_from, v.valid_to) for v in first.versions()] == [
        (D(2020, 1, 1), REFORM), (REFORM, D(2026, 1, 1)), (D(2026, 1, 1), None)]


@pytest.mark.parametrize(("start", "end", "day", "message"), [
    (REFORM, None, REFORM, "Ngày áp dụng phiên bản mới phải sau ngày bắt đầu hiệu lực của phiên bản hiện tại "
                           "(01/07/2025)."),
    (REFORM, None, D(2025, 6, 1), "Ngày áp dụng phiên bản mới phải sau ngày bắt đầu hiệu lực"),
    (None, REFORM, D(2025, 7, 2), "Phiên bản hiện tại đã hết hiệu lực từ 01/07/2025, trước ngày áp dụng "
                                  "phiên bản mới."),
])
def test_publishing_refuses_a_date_outside_the_old_version_and_writes_nothing(start, end, day, message):
    old = version(valid_from=start, valid_to=end)
    with pytest.raises(ValidationError) as caught:
        publish_new_version(old, day)
    assert caught.value.messages[0].startswith(message)
    old.refresh_from_db()
    assert (old.valid_from, old.valid_to) == (start, end)
    assert Procedure.objects.count() == 1 and RequiredDocument.objects.count() == 1


def test_publishing_over_a_later_version_is_an_overlap_and_rolls_back():
    old = version(valid_to=REFORM)
    version(valid_from=REFORM)
    with pytest.raises(ValidationError, match="Thời gian hiệu lực trùng"):
        publish_new_version(old, D(2025, 1, 1), valid_to=None)
    old.refresh_from_db()
    assert old.valid_to == REFORM and Procedure.objects.count() == 2


def test_a_new_version_cannot_change_its_code():
    with pytest.raises(ValueError, match="code"):
        publish_new_version(version(), REFORM, code="1.000101")
    with pytest.raises(ValueError, match="documents"):
        publish_new_version(version(code="1.000102"), REFORM, documents=[])


# --- Dossiers and lists --------------------------------------------------------------------------


def test_a_dossier_keeps_its_version_and_plan_and_lists_switch_on_the_date(world):
    w = world
    old = w.commune_proc
    dossier = receive(w, old, now=at(2026, 3, 2, 9))
    plan, due = dossier.plan, dossier.due_at

    new = publish_new_version(old, D(2026, 3, 10), time_limit_value=Decimal("5"))
    new.steps.filter(order=1).update(name="Thẩm định hồ sơ (quy trình mới)", share_percent=60)
    new.steps.filter(order=2).update(share_percent=40)

    dossier.refresh_from_db()
    assert dossier.procedure_id == old.pk
    assert dossier.plan == plan and dossier.due_at == due
    assert dossier.plan[0]["name"] == "Thẩm định hồ sơ" and dossier.plan[0]["share"] == "70.00"
    dossier = services.complete_step(dossier, actor=w.specialist, now=at(2026, 3, 11, 9))  # goes on as received
    assert dossier.procedure_id == old.pk and dossier.plan[0]["name"] == "Thẩm định hồ sơ"

    commune = [f.level("commune").pk]
    before = Procedure.objects.in_force(D(2026, 3, 9)).filter(level_id__in=commune, code=old.code)
    after = Procedure.objects.in_force(D(2026, 3, 10)).filter(level_id__in=commune, code=old.code)
    assert list(before) == [old] and list(after) == [new]

    later = receive(w, new, now=at(2026, 3, 10, 9))
    assert later.procedure_id == new.pk
    assert later.plan[0]["name"] == "Thẩm định hồ sơ (quy trình mới)"
    assert later.documents[0]["id"] in set(new.documents.values_list("pk", flat=True))


def test_the_counter_search_finds_only_the_version_in_force_today():
    from onestop.counter.search import search_procedures

    today = timezone.localdate()
    old = version(code="1.000200", name="Cấp bản sao trích lục hộ tịch", valid_from=today - dt.timedelta(days=90))
    new = publish_new_version(old, today)
    upcoming = publish_new_version(new, today + dt.timedelta(days=30))
    level_ids = [old.level_id]

    assert search_procedures(level_ids, "1.000200") == [new]
    assert search_procedures(level_ids, "trich luc") == [new]
    assert upcoming not in Procedure.objects.in_force()


def test_receiving_refuses_a_version_not_in_force_on_the_receipt_date(world):
    w = world
    old = w.commune_proc
    new = publish_new_version(old, D(2026, 3, 10), online_level="full")
    old.refresh_from_db()

    with pytest.raises(InvalidInput) as caught:
        receive(w, old, now=at(2026, 3, 10, 8))
    assert str(caught.value.message) == "Thủ tục đã hết hiệu lực."
    with pytest.raises(InvalidInput) as caught:
        receive(w, new, now=at(2026, 3, 9, 16))
    assert str(caught.value.message) == "Phiên bản thủ tục này chỉ có hiệu lực từ ngày 10/03/2026."
    with pytest.raises(InvalidInput, match="10/03/2026"):
        services.submit_online(procedure=new, agency=w.counter, applicant=services.Applicant(name="Lò Văn Bình"),
                               document_ids=[], now=at(2026, 3, 9, 16))
    with pytest.raises(InvalidInput, match="10/03/2026"):
        services.refuse_at_counter(actor=w.clerk, procedure=new, agency=w.counter,
                                   applicant=services.Applicant(name="Lò Văn Bình"), reasons="Thiếu giấy tờ",
                                   now=at(2026, 3, 9, 16))
    assert not Dossier.objects.filter(procedure=new).exists()

    receipt = services.submit_online(procedure=new, agency=w.counter, applicant=services.Applicant(name="Lò Văn Bình"),
                                     document_ids=[], now=at(2026, 3, 10, 0, 5))
    assert receipt.dossier.procedure_id == new.pk


# --- Import and export ---------------------------------------------------------------------------


@pytest.fixture
def catalog(db):
    for code in ("province", "district", "commune"):
        f.level(code)
    for code in ("people_committee", "justice", "finance_planning", "one_stop"):
        f.agency_kind(code)


OLD_ROW = dict(ROWS[0], level="district", valid_from="", valid_to="2025-07-01")
NEW_ROW = dict(ROWS[0], time_limit_value="2", valid_from="2025-07-01", valid_to="")


def test_it_imports_two_versions_of_a_code_and_exports_both(catalog, tmp_path):
    result = catalog_io.import_catalog(write_csv(tmp_path / "c.csv", [NEW_ROW, OLD_ROW]))

    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    old, new = Procedure.objects.filter(code="1.004873")
    assert (old.valid_from, old.valid_to, old.level.code, old.time_limit_value) == (None, REFORM, "district", 3)
    assert (new.valid_from, new.valid_to, new.level.code, new.time_limit_value) == (REFORM, None, "commune", 2)
    assert new.documents.count() == old.documents.count() == 2

    text = catalog_io.export_csv_text()
    exported = list(csv.DictReader(io.StringIO(text)))
    assert [(r["code"], r["valid_from"], r["valid_to"]) for r in exported] == [
        ("1.004873", "", "2025-07-01"), ("1.004873", "2025-07-01", "")]

    again = catalog_io.import_catalog(write_csv(tmp_path / "c.csv", [NEW_ROW, OLD_ROW]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_export_then_import_round_trips_two_versions(catalog, tmp_path):
    old = version(code="1.000001", level_code="district", documents=[("Tờ khai", True)],
                  steps=[("Thẩm định", 0, "justice", "specialist", 70), ("Ký", 0, "people_committee", "leader", 30)])
    new = publish_new_version(old, REFORM, level=f.level("commune"), time_limit_value=Decimal("1.5"))
    new.documents.create(order=2, name="Giấy tờ bổ sung", is_mandatory=False)
    publish_new_version(new, D(2026, 1, 1))
    version(code="1.000002", valid_from=D(2024, 1, 1))
    call_command("export_catalog", str(tmp_path / "out.csv"), stdout=io.StringIO())
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        first = fh.read()

    Procedure.objects.all().delete()
    out = io.StringIO()
    call_command("import_catalog", str(tmp_path / "out.csv"), stdout=out)

    assert "Đã tạo 4, cập nhật 0, không đổi 0" in out.getvalue()
    assert catalog_io.export_csv_text() == first
    assert [(v.valid_from, v.valid_to, v.documents.count()) for v in Procedure.objects.filter(code="1.000001")] == [
        (None, REFORM, 1), (REFORM, D(2026, 1, 1), 2), (D(2026, 1, 1), None, 2)]


def test_a_file_can_close_the_open_version_and_add_its_successor(catalog, tmp_path):
    """The update that closes the open version runs before the insert (one open version per code)."""
    catalog_io.import_catalog(write_csv(tmp_path / "a.csv", [dict(OLD_ROW, valid_to="")]))
    original = Procedure.objects.get()

    result = catalog_io.import_catalog(write_csv(tmp_path / "b.csv", [OLD_ROW, NEW_ROW]))

    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    old, new = Procedure.objects.filter(code="1.004873")
    assert old.pk == original.pk and old.valid_to == REFORM
    assert new.valid_from == REFORM


@pytest.mark.parametrize(("second", "periods"), [
    (dict(NEW_ROW, valid_from="2025-06-30"), "đến trước 01/07/2025 và từ 30/06/2025, không thời hạn"),
    (dict(OLD_ROW, valid_to="2025-07-02"), "đến trước 01/07/2025 và đến trước 02/07/2025"),  # the same key
])
def test_overlapping_versions_in_a_file_import_nothing(catalog, tmp_path, second, periods):
    with pytest.raises(catalog_io.CatalogError) as caught:
        catalog_io.import_catalog(write_csv(tmp_path / "c.csv", [ROWS[1], OLD_ROW, second]))
    assert caught.value.errors == [
        f"Dòng 4, cột code: “1.004873” đã có ở dòng 3 với thời gian hiệu lực chồng lấn: {periods}"]
    assert not Procedure.objects.exists()


def test_a_version_overlapping_one_not_in_the_file_is_refused(catalog, tmp_path):
    catalog_io.import_catalog(write_csv(tmp_path / "a.csv", [dict(OLD_ROW, valid_to="")]))

    with pytest.raises(catalog_io.CatalogError) as caught:
        catalog_io.import_catalog(write_csv(tmp_path / "b.csv", [NEW_ROW]))
    assert caught.value.errors == [
        "Dòng 2, cột valid_from: hiệu lực từ 01/07/2025, không thời hạn chồng lấn phiên bản của “1.004873” "
        "có hiệu lực không giới hạn thời gian, phiên bản này không có trong tệp"]
    assert Procedure.objects.count() == 1


def national_row(**changes):
    """A row as the national (dvcqg) import makes it: no validity, local settings kept."""
    return dict(ROWS[0], valid_from="", valid_to="", _keep=catalog_io.LOCAL_SETTINGS, _row=2, **changes)


def test_a_national_record_updates_the_open_version(catalog, tmp_path):
    catalog_io.import_catalog(write_csv(tmp_path / "c.csv", [OLD_ROW, NEW_ROW]))
    old, new = Procedure.objects.filter(code="1.004873")

    clean, errors = catalog_io.validate([national_row(name="Tên mới", time_limit_value="4")])
    assert errors == []
    result = catalog_io.apply(clean)

    assert (result.created, result.updated, result.unchanged) == (0, 1, 0)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (new.name, new.time_limit_value, new.valid_from, new.valid_to) == ("Tên mới", 4, REFORM, None)
    assert (old.name, old.time_limit_value) == (ROWS[0]["name"], 3)

    Procedure.objects.filter(pk=new.pk).update(valid_to=D(2026, 1, 1))  # the code is abolished
    clean, errors = catalog_io.validate([national_row()])
    assert clean == [] and errors == [
        "Dòng 2, cột valid_to: mọi phiên bản của “1.004873” đã hết hiệu lực (phiên bản cuối hết hiệu lực từ "
        "01/01/2026); bản ghi không có ngày để bắt đầu phiên bản mới"]


# --- The admin -----------------------------------------------------------------------------------


def test_the_admin_action_asks_the_date_then_publishes(client):
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    old = version(valid_from=D(2020, 1, 1))
    url = reverse("admin:procedures_procedure_changelist")

    page = client.post(url, {"action": "new_version", "_selected_action": [old.pk]})
    assert page.status_code == 200
    assert "Ngày áp dụng phiên bản mới" in page.content.decode()
    assert not Procedure.objects.filter(valid_from=REFORM).exists()

    bad = client.post(url, {"action": "new_version", "_selected_action": [old.pk], "apply": "1",
                            "valid_from": "2019-01-01"}, follow=True)
    assert "phải sau ngày bắt đầu hiệu lực" in bad.content.decode()
    assert Procedure.objects.count() == 1

    done = client.post(url, {"action": "new_version", "_selected_action": [old.pk], "apply": "1",
                             "valid_from": "2025-07-01"})
    new = Procedure.objects.get(valid_from=REFORM)
    assert done.status_code == 302 and done.url == reverse("admin:procedures_procedure_change", args=[new.pk])
    old.refresh_from_db()
    assert old.valid_to == REFORM

    listed = client.get(url, {"in_force": "ended"}).content.decode()
    assert f'/procedure/{old.pk}/change/' in listed and f'/procedure/{new.pk}/change/' not in listed
    listed = client.get(url, {"in_force": "yes"}).content.decode()
    assert f'/procedure/{new.pk}/change/' in listed and f'/procedure/{old.pk}/change/' not in listed


def test_the_admin_form_refuses_an_overlapping_version(client):
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    old = version(valid_to=REFORM)
    version(valid_from=REFORM)
    data = {
        "code": old.code, "name": old.name, "field": old.field_id, "level": old.level_id,
        "competent_agency_kind": old.competent_agency_kind_id, "time_limit_value": "3",
        "time_limit_unit": "working_days", "supplement_clock_rule": "restart", "online_level": "none",
        "is_one_stop": "on", "valid_from": "", "valid_to": "2025-08-01",
        "documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0",
        "steps-TOTAL_FORMS": "0", "steps-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:procedures_procedure_change", args=[old.pk]), data)
    assert response.status_code == 200  # the form again, with the error
    assert "Thời gian hiệu lực trùng với một phiên bản khác của thủ tục" in response.content.decode()
    old.refresh_from_db()
    assert old.valid_to == REFORM
