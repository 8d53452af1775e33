"""The admin's catalog screens in headless Chromium: a catalog uploaded from the web with its progress bar
and parse report, then confirmed; the procedure list with whole names; the working calendar as a month.
Screenshots at 1366 and 360 px; the admin's own pages are checked for sideways scroll."""
import csv
import datetime as dt
import io
import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from procedures.models import CalendarDay, Procedure
from tests import factories as f
from tests.procedures.test_catalog_import import ROWS

WIDTHS = (1366, 360)


@pytest.fixture
def admin(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for code in ("province", "commune"):
        f.level(code)
    for code in ("people_committee", "justice", "finance_planning", "one_stop"):
        f.agency_kind(code)
    return f.user("root", is_superuser=True, is_staff=True)


def _log_in(page, client, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.base_url}])


def _shots(page, screenshot, name, *, fits=True):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        if fits:
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{name} is {scroll} px wide at {width} px"
        screenshot(page, f"admin-{name}-{width}")
    page.set_viewport_size({"width": 1366, "height": 900})


def _big_catalog(tmp_path, count=1500):
    """The three sample rows and `count` more same-day procedures: a file big enough to watch go up."""
    rows = [dict(r) for r in ROWS] + [
        {**ROWS[2], "code": f"1.{900000 + i}", "name": f"Thủ tục cấp bản sao trích lục hộ tịch số {i}"}
        for i in range(count)]
    rows[1]["time_limit_unit"] = "tuần"  # one error, to see in the report
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
    writer.writeheader()
    writer.writerows(rows)
    path = tmp_path / "danh-muc-thu-tuc.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_catalog_goes_up_with_a_progress_bar_its_report_then_confirmed(page, screenshot, client, admin, tmp_path):
    _log_in(page, client, admin)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.base_url + "/admin/procedures/procedure/")
    page.get_by_role("link", name="Nhập danh mục từ tệp").click()
    expect(page.locator("h1")).to_contain_text("Nhập danh mục")
    _shots(page, screenshot, "01-catalog-upload")

    # a slow line (about 60 kB/s up), so the bar is seen moving with the bytes sent
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 60 * 1024})
    page.set_input_files("#id_file", str(_big_catalog(tmp_path)))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_function("(() => { const b = document.getElementById('import-bar');"
                           " return b && b.value > 5 && b.value < 95; })()")
    expect(page.locator("#import-status")).to_contain_text("Đang tải tệp lên")
    screenshot(page, "admin-02-catalog-upload-progress-1366")
    page.wait_for_url(re.compile(r"/admin/procedures/procedure/import/[\w-]+/$"), timeout=60_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})

    expect(page.locator("[data-count=records] b")).to_have_text("1503")
    expect(page.locator("#parse-errors")).to_contain_text("time_limit_unit")
    expect(page.locator("#parse-errors tbody tr td").first).to_have_text("3")  # the row
    assert page.get_by_role("button", name="Xác nhận nhập danh mục").count() == 0
    _shots(page, screenshot, "03-catalog-report-with-errors")
    assert Procedure.objects.count() == 0

    # the corrected file: its report, then the import
    path = _big_catalog(tmp_path, count=40)
    path.write_text(path.read_text(encoding="utf-8").replace(",tuần,", ",working_days,"), encoding="utf-8")
    page.get_by_role("link", name="Tải tệp khác").click()
    page.set_input_files("#id_file", str(path))
    page.get_by_role("button", name="Tải lên và kiểm tra").click()
    page.wait_for_url(re.compile(r"/import/[\w-]+/$"))
    expect(page.locator("[data-count=created] b")).to_have_text("43")
    _shots(page, screenshot, "04-catalog-report-clean")
    page.get_by_role("button", name="Xác nhận nhập danh mục").click()
    expect(page.locator(".messagelist")).to_contain_text("Đã nhập danh mục: thêm mới 43")
    assert Procedure.objects.count() == 43
    _shots(page, screenshot, "05-procedure-list", fits=False)  # the admin's own list (its table may scroll)
    name = page.locator("td.field-name_display .procedure-name", has_text="Đăng ký thành lập công ty").first
    assert name.evaluate("e => getComputedStyle(e.closest('td')).whiteSpace") == "normal"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_working_calendar_reads_as_a_month(page, screenshot, client, admin):
    for day, kind, name in ((dt.date(2026, 4, 27), "day_off", "Nghỉ bù Giỗ Tổ Hùng Vương"),
                            (dt.date(2026, 4, 30), "holiday", "Ngày Chiến thắng"),
                            (dt.date(2026, 5, 1), "holiday", "Ngày Quốc tế Lao động"),
                            (dt.date(2026, 4, 25), "makeup_workday", "Làm bù cho ngày 27/4")):
        CalendarDay.objects.create(date=day, kind=kind, name=name)
    _log_in(page, client, admin)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(page.base_url + "/admin/procedures/calendarday/")
    page.get_by_role("link", name="Xem lịch theo tháng").click()
    page.select_option("#cal-month", "4")
    page.select_option("#cal-year", "2026")
    page.get_by_role("button", name="Xem").click()
    expect(page.locator("h1")).to_have_text("Lịch làm việc tháng 4/2026")
    expect(page.locator("[data-working-days]")).to_have_text("21 ngày làm việc")
    expect(page.locator("td[data-date='2026-04-30']")).to_contain_text("Ngày Chiến thắng")
    assert page.locator("td[data-date='2026-04-25']").get_attribute("data-working") == "1"
    _shots(page, screenshot, "06-calendar-month")
    page.locator("a[rel=next]").click()
    expect(page.locator("h1")).to_have_text("Lịch làm việc tháng 5/2026")

