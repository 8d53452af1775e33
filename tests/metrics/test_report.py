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


def test_the_xlsx_reads_back_with_the_same_cells(march):
    from openpyxl import load_workbook

    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    rows = list(load_workbook(io.BytesIO(reports.report_xlsx(report))).active.iter_rows(values_only=True))
    assert rows[0][0] == "Đơn vị" and rows[0][2] == "Tổng số tiếp nhận"
    assert list(rows[-1]) == ["Tổng cộng", None, 11, 1, 1, 9, 7, 2, 2, 3, 3, 1, 2, 1, 1]


def test_the_pdf_is_a4_landscape_with_the_national_heading_and_the_totals(march):
    from pypdf import PdfReader

    report = reports.build(march.world.district, MARCH, now=at(2026, 4, 15))
    pdf = PdfReader(io.BytesIO(reports.report_pdf(report)))
    page = pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width)) == 842  # A4: 297 mm
    text = page.extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Tổng cộng 11 1 1 9 7 2 2 3 3 1 2 1" in " ".join(text.split())


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
