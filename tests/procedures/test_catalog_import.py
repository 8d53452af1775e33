"""Catalog import/export (procedures/catalog_io.py) and the national-portal parser (dvcqg.py).

CSV/XLSX imports upsert by code, all-or-nothing, and change nothing when repeated; export
round-trips; the real national file imports with its parse report, and a handful of its
records are checked field by field against their source text.
"""
import csv
import functools
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from procedures import catalog_io, dvcqg
from procedures.models import Field, Procedure, ProcedureStep, RequiredDocument
from tests import factories as f

NATIONAL_FILE = Path(__file__).resolve().parents[2] / "fixtures" / "dvcqg-procedures.jsonl.gz"

ROWS = [
    {
        "code": "1.004873", "name": "Cấp Giấy xác nhận tình trạng hôn nhân",
        "field_code": "ho-tich", "field_name": "Hộ tịch", "level": "commune",
        "competent_agency_kind": "people_committee", "time_limit_value": "3",
        "time_limit_unit": "working_days", "fee_amount": "", "fee_note": "Theo HĐND tỉnh",
        "legal_basis": "Luật Hộ tịch (60/2014/QH13)",
        "result_document": "Giấy xác nhận tình trạng hôn nhân", "online_level": "full",
        "is_one_stop": "1", "is_interlinked": "0", "supplement_clock_rule": "",
        "publishing_decision": "163/QĐ-BTP", "source_url": "https://dichvucong.gov.vn/p/1.004873",
        "valid_from": "2025-07-01", "valid_to": "",
        "documents": "Tờ khai | 1 | original | 1\n"
                     "Giấy tờ chứng minh nhân thân | 1 | original_for_check | 1",
        "steps": "Thẩm định | 0 | justice | specialist | 70\n"
                 "Ký giấy xác nhận | 0 | people_committee | leader | 30",
    },
    {
        "code": "2.001583", "name": "Đăng ký thành lập công ty TNHH một thành viên",
        "field_code": "doanh-nghiep", "field_name": "Thành lập và hoạt động của doanh nghiệp",
        "level": "province", "competent_agency_kind": "finance_planning", "time_limit_value": "3",
        "time_limit_unit": "working_days", "fee_amount": "100000", "online_level": "partial",
        "is_one_stop": "true", "is_interlinked": "false", "supplement_clock_rule": "pause",
        "documents": "Giấy đề nghị đăng ký doanh nghiệp | 1 | original | 1\n"
                     "Điều lệ công ty | 1 | certified_copy | 0",
        "steps": "Thẩm định | 0 | finance_planning | specialist | 60.5\n"
                 "Phê duyệt | 0 | finance_planning | leader | 39.5",
    },
    {
        "code": "1.001193", "name": "Thủ tục đăng ký khai sinh", "field_code": "ho-tich",
        "field_name": "Hộ tịch", "level": "commune", "competent_agency_kind": "people_committee",
        "time_limit_value": "", "time_limit_unit": "same_day", "fee_amount": "0",
        "documents": "Tờ khai đăng ký khai sinh",
        "steps": "Cấp giấy khai sinh | 0 | people_committee | leader | 100",
    },
]


@pytest.fixture
def catalog(db):
    """The levels and agency kinds the rows refer to."""
    for code in ("province", "commune"):
        f.level(code)
    for code in ("people_committee", "justice", "finance_planning", "one_stop"):
        f.agency_kind(code)


def write_csv(path, rows, bom=False):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=catalog_io.COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(catalog_io.COLUMNS)
    for row in rows:
        sheet.append([row.get(c, "") for c in catalog_io.COLUMNS])
    workbook.save(path)
    return path


def test_it_upserts_a_good_csv(catalog, tmp_path):
    f.field("Hộ tịch", code="ho-tich")
    result = catalog_io.import_catalog(write_csv(tmp_path / "c.csv", ROWS, bom=True))

    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    cert = Procedure.objects.get(code="1.004873")
    assert (cert.level.code, cert.competent_agency_kind.code, cert.field.code) == (
        "commune", "people_committee", "ho-tich")
    assert (cert.time_limit_value, cert.time_limit_unit, cert.fee_amount) == (3, "working_days", None)
    assert (cert.online_level, cert.is_one_stop, cert.supplement_clock_rule) == ("full", True, "restart")
    assert str(cert.valid_from) == "2025-07-01" and cert.valid_to is None
    assert [(d.order, d.name, d.form) for d in cert.documents.all()] == [
        (1, "Tờ khai", "original"), (2, "Giấy tờ chứng minh nhân thân", "original_for_check")]
    assert [(s.order, s.agency_kind.code, s.role, s.share_percent) for s in cert.steps.all()] == [
        (1, "justice", "specialist", Decimal("70")), (2, "people_committee", "leader", Decimal("30"))]
    company = Procedure.objects.get(code="2.001583")
    assert (company.fee_amount, company.supplement_clock_rule, company.online_level) == (
        100000, "pause", "partial")
    assert Field.objects.get(code="doanh-nghiep").name == "Thành lập và hoạt động của doanh nghiệp"
    birth = Procedure.objects.get(code="1.001193")
    assert (birth.time_limit_unit, birth.time_limit_value, birth.fee_amount) == ("same_day", 0, 0)
    assert [(d.name, d.copies, d.form, d.is_mandatory) for d in birth.documents.all()] == [
        ("Tờ khai đăng ký khai sinh", 1, "original", True)]

    renamed = "Hộ tịch, chứng thực"
    changed = [dict(ROWS[0], time_limit_value="5", field_name=renamed), ROWS[1],
               dict(ROWS[2], field_name=renamed, steps="Ký | 0 | people_committee | leader | 100")]
    result = catalog_io.import_catalog(write_csv(tmp_path / "c2.csv", changed))
    assert (result.created, result.updated, result.unchanged) == (0, 2, 1)
    assert Procedure.objects.get(code="1.004873").time_limit_value == 5
    assert Field.objects.get(code="ho-tich").name == "Hộ tịch, chứng thực"
    steps = ProcedureStep.objects.filter(procedure__code="1.001193")
    assert list(steps.values_list("name", flat=True)) == ["Ký"]


def test_it_changes_nothing_when_the_same_file_is_imported_again(catalog, tmp_path):
    path = write_csv(tmp_path / "c.csv", ROWS)
    catalog_io.import_catalog(path)
    stamp = list(RequiredDocument.objects.order_by("pk").values_list("pk", flat=True))

    with CaptureQueriesContext(connection) as queries:
        result = catalog_io.import_catalog(path)

    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert len(queries) < 15  # reads in bulk, not per row
    assert list(RequiredDocument.objects.order_by("pk").values_list("pk", flat=True)) == stamp


def test_a_file_with_bad_rows_imports_nothing_and_names_each_row_and_column(catalog, tmp_path):
    too_much = "A | 0 | justice | specialist | 80\nB | 0 | justice | leader | 30"
    rows = [ROWS[0], dict(ROWS[1], time_limit_unit="weeks"), dict(ROWS[2], level="hamlet", fee_amount="free"),
            dict(ROWS[0], code="9.000009", steps=too_much)]
    path = write_csv(tmp_path / "bad.csv", rows)

    with pytest.raises(catalog_io.CatalogError) as caught:
        catalog_io.import_catalog(path)
    errors = caught.value.errors
    assert any(e.startswith("Dòng 3, cột time_limit_unit: “weeks” không phải một trong các giá trị") for e in errors)
    assert any(e.startswith("Dòng 4, cột level: không có cấp hành chính “hamlet”") for e in errors)
    assert any(e.startswith("Dòng 4, cột fee_amount: “free” không phải số tiền") for e in errors)
    assert any(e.startswith("Dòng 5, cột steps: tổng share_percent là 110%") for e in errors)
    assert not any(e.startswith("Dòng 2") for e in errors)
    assert not Procedure.objects.exists() and not Field.objects.exists()

    err = io.StringIO()
    with pytest.raises(CommandError, match="không nhập gì"):
        call_command("import_catalog", str(path), stderr=err)
    assert "Dòng 3, cột time_limit_unit" in err.getvalue()
    assert not Procedure.objects.exists()


def test_it_rejects_unknown_agency_kinds_and_conflicting_fields(catalog, tmp_path):
    f.field("Hộ tịch", code="HT")
    rows = [dict(ROWS[0], competent_agency_kind="army", steps="A | 0 | army | leader | 100"),
            dict(ROWS[1], code="1.001193"), dict(ROWS[2])]
    with pytest.raises(catalog_io.CatalogError) as caught:
        catalog_io.import_catalog(write_csv(tmp_path / "c.csv", rows))
    errors = "\n".join(caught.value.errors)
    assert "Dòng 2, cột competent_agency_kind: không có loại cơ quan “army”" in errors
    assert "Dòng 2, cột steps: “A”: không có loại cơ quan “army”" in errors
    assert "Dòng 2, cột field_name: “Hộ tịch” là tên của lĩnh vực “HT”" in errors
    assert "Dòng 4, cột code: “1.001193” đã có ở dòng 3" in errors


def test_it_reads_xlsx(catalog, tmp_path):
    rows = [dict(ROWS[1], fee_amount=100000, time_limit_value=3.5, time_limit_unit="calendar_days")]
    result = catalog_io.import_catalog(write_xlsx(tmp_path / "c.xlsx", rows))

    assert result.created == 1
    company = Procedure.objects.get(code="2.001583")
    assert (company.fee_amount, company.time_limit_value, company.time_limit_unit) == (
        100000, Decimal("3.5"), "calendar_days")
    assert company.documents.count() == 2


def test_export_then_import_gives_the_same_catalog(catalog, tmp_path):
    f.procedure(code="1.000001", name="Thủ tục | có dấu gạch", fee_amount=50000,
                fee_note="Lệ phí:\n50.000 đồng", documents=[("Tờ khai", True), ("Bản sao giấy tờ", False)])
    f.procedure(code="1.000002", level_code="province", time_limit_unit="same_day", time_limit_value=0,
                valid_from="2025-07-01", valid_to="2026-01-01", is_interlinked=True, online_level="full",
                steps=[("Tiếp nhận", 0, "one_stop", "clerk", 10),
                       ("Thẩm định", 1, "justice", "specialist", 62.5),
                       ("Ký", 1, "people_committee", "leader", 27.5)])
    call_command("export_catalog", str(tmp_path / "out.csv"), stdout=io.StringIO())
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as fh:
        first = fh.read()

    Procedure.objects.all().delete()
    Field.objects.all().delete()
    out = io.StringIO()
    call_command("import_catalog", str(tmp_path / "out.csv"), stdout=out)

    assert "Đã tạo 2, cập nhật 0, không đổi 0" in out.getvalue()
    assert catalog_io.export_csv_text() == first
    assert Procedure.objects.get(code="1.000001").name == "Thủ tục | có dấu gạch"


# --- The national portal's file ----------------------------------------------------------------


@functools.cache
def national_records() -> dict:
    return {r["ma_thu_tuc"]: r for r in dvcqg.read_records(NATIONAL_FILE)}


def convert(code):
    row, issues = dvcqg.convert(national_records()[code])
    return row, {(i.severity, i.reason) for i in issues}


def documents(row):
    return [tuple(part.strip() for part in line.split("|")) for line in row["documents"].splitlines()]


def test_birth_registration_is_same_day_free_at_the_commune():
    row, issues = convert("1.001193")
    source = national_records()["1.001193"]
    assert "Trực tiếp1Miễn phí" in source["cach_thuc_thuc_hien"]  # no unit: the steps' 15:00 rule decides
    assert "sau 15 giờ" in source["trinh_tu_thuc_hien"]
    assert (row["name"], row["level"], row["field_name"]) == (
        "Thủ tục đăng ký khai sinh", "commune", "Hộ tịch")
    assert (row["time_limit_value"], row["time_limit_unit"]) == ("0", "same_day")
    assert (row["fee_amount"], row["fee_note"]) == ("0", "")
    assert row["competent_agency_kind"] == "people_committee"
    assert (row["result_document"], row["publishing_decision"]) == ("Giấy khai sinh", "163/QĐ-BTP")
    docs = documents(row)
    assert ("Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm "
            "chứng xác nhận về việc sinh; nếu không có người làm chứng thì phải có giấy cam đoan về "
            "việc sinh.", "1", "original", "1") in docs
    assert docs[0][3] == "0"  # "Trường hợp trẻ em bị bỏ rơi …": conditional
    assert any(d[0].startswith("Hộ chiếu/Thẻ căn cước") and d[2] == "original_for_check" for d in docs)
    assert not any("không phải nộp bản giấy" in d[0] for d in docs)  # a "0 bản chính" note, not a document
    assert "Luật (60/2014/QH13)" in row["legal_basis"].splitlines()
    assert ("info", "thời hạn “1” không ghi đơn vị, hiểu là trong ngày (trình tự thực hiện nêu quy định "
                    "nhận sau 15 giờ trả vào ngày làm việc tiếp theo)") in issues


def test_permanent_residence_is_seven_working_days_with_the_in_person_fee():
    row, issues = convert("1.004222")
    source = national_records()["1.004222"]["cach_thuc_thuc_hien"]
    assert "Trực tuyến7 Ngày làm việc10,000 Việt Nam Đồng" in source
    assert "Trực tiếp7 Ngày làm việc20,000 Việt Nam Đồng" in source
    assert (row["level"], row["competent_agency_kind"]) == ("commune", "police")  # "Công an cấp Xã"
    assert (row["time_limit_value"], row["time_limit_unit"], row["fee_amount"]) == (
        "7", "working_days", "20000")
    assert row["fee_note"].startswith("Trường hợp công dân thuộc diện được miễn phí")
    assert row["result_document"].splitlines() == [
        "Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
        "Thông báo kết quả giải quyết thủ tục về cư trú, hủy bỏ thủ tục về cư trú",
        "Phiếu từ chối tiếp nhận, giải quyết hồ sơ (lĩnh vực cư trú)",
        "Cập nhật thông tin trong Cơ sở dữ liệu về cư trú",
    ]
    docs = documents(row)
    assert docs[0][3] == "1"  # the first case group has no "Trường hợp" heading
    assert any(d[0].startswith("[Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ] Hợp đồng") and
               d[3] == "0" for d in docs)
    assert not [i for i in issues if i[0] != "info"]


def test_a_province_procedure_with_a_fee_amount():
    row, issues = convert("2.001258")
    source = national_records()["2.001258"]
    assert "Trực tiếp7 Ngày làm việc500,000 Việt Nam Đồng" in source["cach_thuc_thuc_hien"]
    assert "tài sảnMau TP DGTS 05.doc1 bản chính" in source["thanh_phan_ho_so"]
    assert (row["level"], row["competent_agency_kind"], row["field_name"]) == ("province", "justice",
                                                                              "Đấu giá tài sản")
    assert (row["time_limit_value"], row["time_limit_unit"], row["fee_amount"]) == (
        "7", "working_days", "500000")
    assert documents(row) == [("Giấy đề nghị cấp lại Giấy đăng ký hoạt động của doanh nghiệp đấu giá tài sản",
                               "1", "original", "1")]  # the template file name is dropped
    assert row["source_url"] == source["detail_url"] and row["publishing_decision"] == "1417/QĐ-BTP"
    assert not issues


def test_a_limit_in_plain_days_is_calendar_days():
    row, issues = convert("1.000253")
    source = national_records()["1.000253"]
    assert source["cach_thuc_thuc_hien"].endswith("Trực tiếp7 NgàyKhông có thông tinNộp trực tiếp tại trụ sở "
                                                  "Công an cấp xã")
    assert (row["time_limit_value"], row["time_limit_unit"]) == ("7", "calendar_days")
    assert (row["fee_amount"], row["fee_note"]) == ("", "Không có thông tin")  # not clearly free
    assert documents(row) == [
        ("Phiếu khai báo tạm trú cho người nước ngoài (mẫu NA17)", "1", "original", "1")]
    assert row["legal_basis"].splitlines() == [
        "Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài tại Việt Nam (47/2014/QH13)",
        "Thông tư quy định cách thức thực hiện khai báo, tiếp nhận thông tin tạm trú của người "
        "nước ngoài tại Việt Nam (53/2016/TT-BCA)",
    ]
    assert row["result_document"].endswith("ghi vào sổ trực ban của Công an cấp xã.")
    assert issues == {("info", "thời hạn “7 Ngày” hiểu là 7 ngày theo lịch")}


def test_documents_with_copies_and_a_fee_in_dollars():
    row, issues = convert("1.000931")
    source = national_records()["1.000931"]
    assert "NA15.pdf1 bản chính,1 bản sao" in source["thanh_phan_ho_so"]
    assert "Trực tiếp5 Ngày làm việc10 USD(10 USD/người)" in source["cach_thuc_thuc_hien"]
    assert (row["level"], row["time_limit_value"], row["time_limit_unit"]) == (
        "province", "5", "working_days")
    assert (row["fee_amount"], row["fee_note"]) == ("", "10 USD (10 USD/người)")
    assert row["competent_agency_kind"] == "police"  # from the executing agency "Phòng Xuất nhập cảnh"
    assert [d[0][:40] for d in documents(row)] == ["Đơn xin phép cho thân nhân vào khu vực c",
                                                   "Công văn đề nghị cấp giấy phép vào khu v",
                                                   "Kèm theo hộ chiếu của người nước ngoài"]
    assert {d[1:] for d in documents(row)} == {("1", "original", "1")}
    copy_row, _ = convert("1.007927")  # "0 bản chính,1 bản sao": a copy
    assert documents(copy_row)[-1][1:] == ("1", "copy", "1")
    assert ("info", "phí tính bằng USD (“10 USD”): để trống số tiền, giữ trong ghi chú") in issues


def test_hours_and_records_that_cannot_be_parsed():
    row, _ = convert("1.013065")  # "Trực tuyến8 Giờ", no in-person channel
    assert (row["time_limit_value"], row["time_limit_unit"], row["level"]) == (
        "8", "working_hours", "commune")

    row, issues = convert("1.000894")  # marriage: "Trực tiếp1Miễn phí(Miễn lệ phí. …)", no same-day wording
    assert (row["time_limit_value"], row["time_limit_unit"], row["fee_amount"]) == ("1", "unspecified", "0")
    assert ("warning", "thời hạn “1” không ghi đơn vị: nhập là chưa xác định") in issues

    row, issues = convert("2.000635")  # "Trực tiếpKhông có thông tin8,000 VNĐ"
    assert row is None
    assert any(s == "error" and r.startswith("không có thời hạn trong ô thời gian (“Không có thông tin”)")
               for s, r in issues)

    row, issues = convert("1.007863")  # "Trực tiếp120 VNĐ": "1" + "20 VNĐ" or "12" + "0 VNĐ"?
    assert row is None
    assert any(r.startswith("không đọc được thời hạn: ô thời gian và ô phí, lệ phí dính liền nhau") for _s, r in issues)


def test_it_imports_the_national_file_with_its_report(catalog, tmp_path):
    report = tmp_path / "report.csv"
    out = io.StringIO()
    call_command("import_catalog", str(NATIONAL_FILE), "--create-kinds", "--report", str(report), stdout=out)
    text = out.getvalue()

    clean = int(text.split("/1601 bản ghi đọc được không có lỗi hay cảnh báo")[0].rsplit("\n", 1)[-1])
    assert 1100 < clean < 1601
    assert "không nhập “toàn bộ hoặc không gì”" in text
    assert "Hạn chế đã biết: tệp của Cổng quốc gia không ghi mức độ dịch vụ công trực tuyến" in text
    skipped = text.split("Đã bỏ qua ")[1].split(" bản ghi")[0]
    assert Procedure.objects.count() == 1601 - int(skipped)
    with open(report, encoding="utf-8") as fh:
        lines = list(csv.DictReader(fh))
    assert {"code", "field", "severity", "reason"} <= set(lines[0])
    assert {line["severity"] for line in lines} == {"info", "warning", "error"}
    assert {line["code"] for line in lines if line["severity"] == "error"} >= {"2.000635", "1.007863"}

    birth = Procedure.objects.get(code="1.001193")
    assert (birth.level.code, birth.time_limit_unit, birth.fee_amount, birth.field.code) == (
        "commune", "same_day", 0, "ho-tich")
    steps = [(s.name, s.agency_kind.code, s.role, s.share_percent, s.unit_offset) for s in birth.steps.all()]
    assert steps == [
        ("Thẩm định hồ sơ", "people_committee", "specialist", 70, 0),
        ("Phê duyệt kết quả", "people_committee", "leader", 30, 0)]
    assert Procedure.objects.get(code="1.004222").documents.count() == len(documents(convert("1.004222")[0]))

    # Local settings survive a re-import: steps, online level and a limit decided by hand.
    marriage = Procedure.objects.get(code="1.000894")
    marriage.time_limit_unit, marriage.time_limit_value, marriage.online_level = "same_day", 0, "full"
    marriage.save()
    birth.steps.filter(order=2).update(share_percent=25)
    out = io.StringIO()
    call_command("import_catalog", str(NATIONAL_FILE), stdout=out)
    assert f"Đã tạo 0, cập nhật 0, không đổi {1601 - int(skipped)}" in out.getvalue()
    marriage.refresh_from_db()
    assert (marriage.time_limit_unit, marriage.online_level) == ("same_day", "full")


def test_without_create_kinds_missing_kinds_are_reported_and_strict_imports_nothing(catalog):
    out = io.StringIO()
    call_command("import_catalog", str(NATIONAL_FILE), stdout=out)
    assert "Chưa có các loại cơ quan sau, đã bỏ qua các bản ghi của chúng: police (" in out.getvalue()
    assert not Procedure.objects.filter(competent_agency_kind__code="police").exists()
    assert Procedure.objects.filter(competent_agency_kind__code="people_committee").exists()

    Procedure.objects.all().delete()
    with pytest.raises(CommandError, match="không nhập gì"):
        call_command("import_catalog", str(NATIONAL_FILE), "--strict", "--create-kinds",
                     stdout=io.StringIO(), stderr=io.StringIO())
    assert not Procedure.objects.exists()


@pytest.mark.parametrize(("name", "code"), [
    ("Đất đai", "dat-dai"),
    ("Thành lập và hoạt động của tổ hợp tác, hợp tác xã, liên hiệp hợp tác xã",
     "thanh-lap-va-hoat-dong-cua-to-h-e467a48f"),  # cut, with a hash so long names stay distinct
])
def test_field_codes_are_ascii_slugs_of_at_most_40_characters(name, code):
    assert dvcqg.slug(name) == code
