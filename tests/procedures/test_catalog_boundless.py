"""The catalog file carries the province's list of procedures received regardless of administrative
boundary (NĐ 118/2025 Art. 14), what decides their competent unit, and the supplement time: read,
written, round-tripped; a bad value names its row and column; an older file without the columns
still imports and leaves the province's list as it is."""
import csv
import io

import pytest

from procedures import catalog_io
from procedures.models import CompetenceBasis, Procedure
from tests import factories as f
from tests.procedures.test_catalog_import import ROWS

OLD_COLUMNS = [c for c in catalog_io.COLUMNS if c not in catalog_io.PROVINCE_LIST_COLUMNS]


@pytest.fixture
def catalog(db):
    for code in ("province", "commune"):
        f.level(code)
    for code in ("people_committee", "justice", "finance_planning", "one_stop"):
        f.agency_kind(code)


def write_csv(path, rows, columns=catalog_io.COLUMNS):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_the_columns_are_read(catalog, tmp_path):
    rows = [dict(ROWS[0], boundless_receipt="1", competence_basis="residence", supplement_days="5"),
            dict(ROWS[1], boundless_receipt="0", competence_basis="", supplement_days=""),
            dict(ROWS[2], boundless_receipt="có", competence_basis="location")]
    result = catalog_io.import_catalog(write_csv(tmp_path / "c.csv", rows))

    assert result.created == 3
    got = {p.code: (p.boundless_receipt, p.competence_basis, p.supplement_days) for p in Procedure.objects.all()}
    assert got == {
        "1.004873": (True, CompetenceBasis.RESIDENCE, 5),
        "2.001583": (False, CompetenceBasis.RESIDENCE, None),  # empty: the defaults
        "1.001193": (True, CompetenceBasis.LOCATION, None),
    }


def test_export_writes_them_and_reimporting_the_export_changes_nothing(catalog, tmp_path):
    f.procedure(code="1.000001", boundless_receipt=True, competence_basis=CompetenceBasis.LOCATION,
                supplement_days=10)
    f.procedure(code="1.000002")
    text = catalog_io.export_csv_text()
    exported = {r["code"]: r for r in csv.DictReader(io.StringIO(text))}
    assert [(exported[c]["boundless_receipt"], exported[c]["competence_basis"], exported[c]["supplement_days"])
            for c in ("1.000001", "1.000002")] == [("1", "location", "10"), ("0", "residence", "")]

    (tmp_path / "out.csv").write_text(text, encoding="utf-8")
    assert catalog_io.import_catalog(tmp_path / "out.csv").summary == "Đã tạo 0, cập nhật 0, không đổi 2"
    Procedure.objects.all().delete()
    assert catalog_io.import_catalog(tmp_path / "out.csv").created == 2
    assert catalog_io.export_csv_text() == text


@pytest.mark.parametrize(("column", "value", "reason"), [
    ("boundless_receipt", "maybe", "“maybe” không phải 1/0"),
    ("competence_basis", "village",
     "“village” không phải một trong các giá trị residence|location (residence: nơi cư trú"),
    ("supplement_days", "ten", "“ten” không phải số ngày làm việc nguyên từ 1 đến 365"),
    ("supplement_days", "0", "“0” không phải số ngày làm việc nguyên"),
    ("supplement_days", "-3", "“-3” không phải số ngày làm việc nguyên"),
])
def test_a_bad_value_names_its_row_and_column_and_imports_nothing(catalog, tmp_path, column, value, reason):
    rows = [ROWS[0], dict(ROWS[1], **{column: value})]
    with pytest.raises(catalog_io.CatalogError) as caught:
        catalog_io.import_catalog(write_csv(tmp_path / "bad.csv", rows))
    assert len(caught.value.errors) == 1
    assert caught.value.errors[0].startswith(f"Dòng 3, cột {column}: {reason}")
    assert not Procedure.objects.exists()


def test_a_file_without_the_columns_imports_with_the_defaults_and_keeps_the_province_list(catalog, tmp_path):
    path = write_csv(tmp_path / "old.csv", ROWS, columns=OLD_COLUMNS)
    assert catalog_io.import_catalog(path).created == 3
    assert not Procedure.objects.filter(boundless_receipt=True).exists()
    assert set(Procedure.objects.values_list("competence_basis", "supplement_days")) == {("residence", None)}

    # The province lists one in the admin; the old file imported again leaves the list as it is.
    Procedure.objects.filter(code="1.004873").update(boundless_receipt=True, supplement_days=7)
    assert catalog_io.import_catalog(path).summary == "Đã tạo 0, cập nhật 0, không đổi 3"
    assert Procedure.objects.get(code="1.004873").supplement_days == 7
    assert list(Procedure.objects.filter(boundless_receipt=True).values_list("code", flat=True)) == ["1.004873"]

    # A file with the columns does set them.
    full = write_csv(tmp_path / "new.csv", [dict(ROWS[0], boundless_receipt="0")])
    assert catalog_io.import_catalog(full).updated == 1
    assert (Procedure.objects.get(code="1.004873").boundless_receipt,
            Procedure.objects.get(code="1.004873").supplement_days) == (False, None)


def test_the_admin_edits_the_list_and_shows_a_centre_s_reception_points(client, catalog):
    from django.urls import reverse

    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    procedure = f.procedure(code="1.000003", boundless_receipt=True, supplement_days=5)
    page = client.get(reverse("admin:procedures_procedure_change", args=[procedure.pk])).content.decode()
    for name in ("boundless_receipt", "competence_basis", "supplement_days"):
        assert f'name="{name}"' in page
    listed = client.get(reverse("admin:procedures_procedure_changelist") + "?boundless_receipt__exact=1")
    assert "1.000003" in listed.content.decode()

    unit = f.unit("Xã Bình Lư")
    centre = f.agency(unit, "one_stop", name="Trung tâm Phục vụ hành chính công xã Bình Lư")
    point = f.agency(unit, "one_stop", name="Điểm tiếp nhận Sơn Bình", parent=centre)
    rows = client.get(reverse("admin:procedures_agency_changelist") + "?parent__isempty=0").content.decode()
    assert "Điểm tiếp nhận Sơn Bình" in rows
    assert 'field-parent nowrap">Trung tâm Phục vụ hành chính công xã Bình Lư' in rows
    page = client.get(reverse("admin:procedures_agency_change", args=[point.pk])).content.decode()
    assert 'name="parent"' in page
