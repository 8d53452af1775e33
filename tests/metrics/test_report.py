"""The periodic report: every cell of March 2026 by hand, reconciliation, and its PDF/XLSX."""
import io

import pytest

from reporting import metrics, reports
from tests.world import at

pytestmark = pytest.mark.django_db
MARCH = metrics.Period.of("month", 2026, 3)

# total, carried over, online, direct, resolved, early, on time, late, pending, within, overdue, withdrawn,
# of which stopped
EXPECTED = {
    "Chứng thực": [1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0],  # E
    "Hộ tịch": [10, 1, 1, 8, 6, 2, 1, 3, 3, 1, 2, 1, 1],  # H carried; A K early, B on time, C D H late; F | G J; I
}


def test_every_report_cell_matches_the_hand_count(march):
    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    assert {r["field_name"]: [r[c] for c in reports.COUNT_COLUMNS] for r in report.rows} == EXPECTED
    assert [report.totals[c] for c in reports.COUNT_COLUMNS] == [11, 1, 1, 9, 7, 2, 2, 3, 3, 1, 2, 1, 1]
    assert {r["unit_name"] for r in report.rows} == {"Bình Lư"}


def test_every_row_reconciles_for_month_quarter_and_year(march):
    for period in (MARCH, metrics.Period.of("month", 2026, 2), metrics.Period.of("quarter", 2026, 1),
                   metrics.Period.of("year", 2026)):
        report = reports.build(march.world.province, period, now=at(2026, 4, 15))
        for row in [*report.rows, report.totals]:
            assert row["total"] == row["carried_over"] + row["received_online"] + row["direct"]
            assert row["total"] == row["resolved"] + row["pending"] + row["withdrawn"]
            assert row["resolved"] == row["early"] + row["on_time"] + row["late"]
            assert row["pending"] == row["pending_within"] + row["pending_overdue"]


def test_february_carries_h_into_march(march):
    feb = reports.build(march.world.district, metrics.Period.of("month", 2026, 2), now=at(2026, 4, 15))
    # L received and returned early in February; H received 25/2 and still pending on 1/3 (due 2/3: within)
    assert [feb.totals[c] for c in reports.COUNT_COLUMNS] == [2, 0, 0, 2, 1, 1, 0, 0, 1, 1, 0, 0, 0]


def test_the_heading_has_two_levels_and_no_two_columns_read_the_same():
    groups = reports.header_groups()
    assert [g for g, _leaves in groups] == [None, None, "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết",
                                            "Số hồ sơ đang giải quyết", "Rút, dừng, từ chối"]
    assert sum(len(leaves) for _g, leaves in groups) == 2 + len(reports.COUNT_COLUMNS)
    flat = reports.headers()
    assert len(set(flat)) == len(flat)
    assert flat[:3] == ["Đơn vị", "Lĩnh vực", "Số hồ sơ nhận giải quyết: Tổng số"]
    assert "Số hồ sơ đã giải quyết: Quá hạn" in flat and "Số hồ sơ đang giải quyết: Quá hạn" in flat
    top, leaves = reports.heading_rows()
    assert [(c["column"], c["colspan"], c["rowspan"]) for c in top] == [
        (0, 1, 2), (1, 1, 2), (2, 4, 1), (6, 4, 1), (10, 3, 1), (13, 2, 1)]
    assert leaves[:4] == ["Tổng số", "Kỳ trước chuyển qua", "Trực tuyến", "Trực tiếp, bưu chính"]


def test_the_xlsx_has_its_title_period_and_merged_two_level_heading(march):
    from openpyxl import load_workbook

    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    sheet = load_workbook(io.BytesIO(reports.report_xlsx(report))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "BÁO CÁO TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
    assert rows[1][0] == "Đơn vị báo cáo: UBND huyện Tam Đường"
    assert rows[2][0] == "Kỳ báo cáo: Tháng 3/2026 (từ ngày 01/03/2026 đến ngày 31/03/2026)"
    assert rows[5][:3] == ("Đơn vị", "Lĩnh vực", "Số hồ sơ nhận giải quyết")
    assert rows[5][6] == "Số hồ sơ đã giải quyết" and rows[5][10] == "Số hồ sơ đang giải quyết"
    assert rows[6][2:6] == ("Tổng số", "Kỳ trước chuyển qua", "Trực tuyến", "Trực tiếp, bưu chính")
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A6:A7", "B6:B7", "C6:F6", "G6:J6", "K6:M6", "N6:O6", "A1:O1", "A3:O3"} <= merged
    assert list(rows[-1]) == ["Tổng cộng", None, 11, 1, 1, 9, 7, 2, 2, 3, 3, 1, 2, 1, 1]
    assert len(rows) == 7 + len(report.rows) + 1


def test_the_pdf_is_one_a4_landscape_page_with_the_official_heading_and_the_totals(march):
    from pypdf import PdfReader

    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    pdf = PdfReader(io.BytesIO(reports.report_pdf(report, prepared_by="Lò Văn Thành")))
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width)) == 842  # A4: 297 mm
    text = " ".join(page.extract_text().split())
    for expected in (
        "UBND HUYỆN TAM ĐƯỜNG",  # the issuing body
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "Số: ……/BC-UBND",  # the number, given when registered
        "Tam Đường, ngày 15 tháng 4 năm 2026",  # the dateline
        "Biểu số II.06a/VPCP/KSTT",  # the form
        "BÁO CÁO", "Tình hình, kết quả giải quyết thủ tục hành chính",
        "Kỳ báo cáo: Tháng 3/2026 (từ ngày 01/03/2026 đến ngày 31/03/2026)",
        "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết",
        "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "Lò Văn Thành",
    ):
        assert expected in text, expected
    assert "Tổng cộng 11 1 1 9 7 2 2 3 3 1 2 1" in text


def test_the_pdf_stays_vietnamese_under_the_english_ui(march):
    from django.utils import translation
    from pypdf import PdfReader

    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    with translation.override("en"):
        content = reports.report_pdf(report)
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Số hồ sơ đã giải quyết" in text and "Tổng cộng" in text


def test_a_long_report_repeats_its_heading_on_every_page(march):
    from pypdf import PdfReader

    from tests import factories as f

    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    row = report.rows[0]
    report.rows = [{**row, "field_name": f"{f.field('Lĩnh vực').name} {i}"} for i in range(60)]
    pdf = PdfReader(io.BytesIO(reports.report_pdf(report)))
    assert len(pdf.pages) >= 2
    for page in pdf.pages[1:]:
        assert "Số hồ sơ đang giải quyết" in page.extract_text()
    assert "THỦ TRƯỞNG ĐƠN VỊ" in pdf.pages[-1].extract_text()


def test_the_catalog_share_counts_in_force_procedures_per_level_against_the_target(march):
    from decimal import Decimal

    from procedures.models import OnestopTarget
    from tests import factories as f

    w = march.world
    f.procedure(code="3.000001", level_code="commune", is_one_stop=False, field=f.field("Đất đai"))
    f.procedure(code="3.000002", level_code="commune", valid_to=at(2025, 1, 1).date())  # repealed: not counted
    f.procedure(code="3.000003", level_code="district", is_one_stop=False)
    OnestopTarget.objects.create(unit=w.province, year=2026, share_percent=Decimal("75"))
    share = metrics.catalog_share(w.district, on=at(2026, 3, 31).date())
    # commune level: the two world procedures + the pause one are one-stop, 3.000001 is not → 3/4;
    # district level: 3.000003 is not → 0/1; together 3/5
    assert {lv["level"]: (lv["one_stop"], lv["total"]) for lv in share["by_level"]} == {
        "district": (0, 1), "commune": (3, 4)}
    assert share["share"] == 60.0
    assert share["target"] == 75.0  # inherited from the province
    assert metrics.catalog_share(w.commune, on=at(2026, 3, 31).date())["share"] == 75.0
    missing = metrics.not_one_stop(w.district, on=at(2026, 3, 31).date())
    assert {p["code"] for p in missing} == {"3.000001", "3.000003"}
