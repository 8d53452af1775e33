"""The admin's catalog screens: the import from the web (upload, parse report from a dry run that writes
nothing, confirm), the procedure list with readable names, the working calendar as a month."""
import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from procedures import catalog_upload
from procedures.models import AgencyKind, CalendarDay, Procedure
from tests import factories as f
from tests.procedures.test_catalog_import import NATIONAL_FILE, ROWS

pytestmark = pytest.mark.django_db
IMPORT = reverse("admin:procedures_procedure_import")


@pytest.fixture
def admin_client(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    for code in ("province", "commune"):
        f.level(code)
    for code in ("people_committee", "justice", "finance_planning", "one_stop"):
        f.agency_kind(code)
    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    return client


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(k for r in rows for k in r)))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(client, content: bytes, name="danh-muc.csv", **extra):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content), **extra})


def test_the_upload_page_has_a_progress_bar_and_the_columns(admin_client):
    page = admin_client.get(IMPORT).content.decode()
    assert '<progress id="import-bar"' in page and "upload.addEventListener(\"progress\"" in page
    assert "time_limit_unit" in page
    changelist = admin_client.get(reverse("admin:procedures_procedure_changelist")).content.decode()
    assert IMPORT in changelist  # "Nhập danh mục từ tệp" beside "add"


def test_a_clean_file_is_checked_without_writing_then_imported_on_confirmation(admin_client, tmp_path):
    f.procedure(code="1.001193", name="Thủ tục đăng ký khai sinh (cũ)", level_code="commune",
                field=f.field("Hộ tịch", code="ho-tich"))
    response = _upload(admin_client, _csv(ROWS))
    assert response.status_code == 302
    report_url = response["Location"]
    assert Procedure.objects.count() == 1  # the dry run wrote nothing
    page = admin_client.get(report_url)
    report = page.context["report"]
    assert (report["records"], report["created"], report["updated"], report["unchanged"]) == (3, 2, 1, 0)
    assert report["importable"] and report["errors"] == []
    assert "Xác nhận nhập danh mục" in page.content.decode()

    done = admin_client.post(report_url, {"confirm": "1"})
    assert done.status_code == 302 and done["Location"] == reverse("admin:procedures_procedure_changelist")
    assert set(Procedure.objects.values_list("code", flat=True)) == {"1.004873", "2.001583", "1.001193"}
    assert Procedure.objects.get(code="1.001193").name == "Thủ tục đăng ký khai sinh"
    messages = [str(m) for m in done.wsgi_request._messages]
    assert messages == ["Đã nhập danh mục: thêm mới 2, cập nhật 1, không đổi 0."]
    assert not any((tmp_path / "media" / catalog_upload.STAGING).iterdir())  # the staged copy is gone
    # a repeated confirmation finds nothing to import, and says so
    again = admin_client.post(report_url, {"confirm": "1"})
    assert again.status_code == 302 and again["Location"] == IMPORT


def test_a_file_with_errors_lists_each_with_row_and_column_and_cannot_be_imported(admin_client):
    bad = [dict(ROWS[0]), {**ROWS[1], "time_limit_unit": "tuần", "level": "hành tinh"}, {**ROWS[2], "name": ""}]
    response = _upload(admin_client, _csv(bad))
    page = admin_client.get(response["Location"])
    report = page.context["report"]
    assert not report["importable"]
    cells = {(e["row"], e["column"]) for e in report["errors"]}
    assert {(3, "time_limit_unit"), (3, "level"), (4, "name")} <= cells
    content = page.content.decode()
    assert 'id="parse-errors"' in content and "<code>time_limit_unit</code>" in content
    assert "Xác nhận nhập danh mục" not in content
    assert admin_client.post(response["Location"], {"confirm": "1"}).status_code == 302
    assert Procedure.objects.count() == 0


def test_the_parse_report_gives_each_reason_in_vietnamese(admin_client):
    bad = [dict(ROWS[0]), {**ROWS[1], "time_limit_unit": "tuần", "level": "hành tinh"}]
    page = admin_client.get(_upload(admin_client, _csv(bad))["Location"])
    reasons = {(e["row"], e["column"]): e["reason"] for e in page.context["report"]["errors"]}
    assert reasons[(3, "level")] == "không có cấp hành chính “hành tinh”"
    assert reasons[(3, "time_limit_unit")].startswith("“tuần” không phải một trong các giá trị")
    content = page.content.decode()
    assert "không có cấp hành chính “hành tinh”" in content
    assert not any(word in content for word in ("unknown unit level", "is not one of"))


def test_a_file_without_the_required_columns_reports_row_one(admin_client):
    response = _upload(admin_client, b"code,name\n1.000001,Thu tuc\n")
    report = admin_client.get(response["Location"]).context["report"]
    assert {(e["row"], e["column"]) for e in report["errors"]} >= {(1, "field_code"), (1, "level")}


def test_an_unreadable_file_is_a_report_not_a_500(admin_client):
    response = _upload(admin_client, b"PK\x03\x04 not really a workbook", name="danh-muc.xlsx")
    report = admin_client.get(response["Location"]).context["report"]
    assert not report["importable"] and report["errors"][0]["reason"].startswith("Không đọc được tệp")


def test_a_wrong_kind_of_file_is_refused_on_the_form(admin_client):
    response = _upload(admin_client, b"hello", name="danh-muc.docx")
    assert response.status_code == 400
    assert "Chỉ nhận tệp .csv, .xlsx hoặc .jsonl" in response.content.decode()


def test_the_national_file_shows_its_parse_report_and_imports_the_readable_records(admin_client):
    AgencyKind.objects.all().delete()
    response = _upload(admin_client, Path(NATIONAL_FILE).read_bytes(), name=Path(NATIONAL_FILE).name,
                       create_kinds="on")
    page = admin_client.get(response["Location"])
    report = page.context["report"]
    assert report["format"] == "dvcqg" and report["records"] > 0 and report["created"] > 0
    assert report["issues"] and {i["severity_label"] for i in report["issues"]} <= {"Lỗi", "Cảnh báo", "Ghi chú"}
    assert AgencyKind.objects.count() == 0 and Procedure.objects.count() == 0  # the dry run rolled back
    admin_client.post(response["Location"], {"confirm": "1"})
    assert Procedure.objects.count() == report["created"]


def test_someone_elses_staged_upload_is_not_found(admin_client, client):
    response = _upload(admin_client, _csv(ROWS))
    other = f.user("other_admin", is_superuser=True, is_staff=True)
    admin_client.force_login(other)
    assert admin_client.get(response["Location"])["Location"] == IMPORT


def test_a_clerk_cannot_import(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world.clerk.is_staff = True
    world.clerk.save()
    client.force_login(world.clerk)
    assert client.get(IMPORT).status_code == 403


def test_the_procedure_list_shows_code_name_level_and_validity(admin_client, frozen_now):
    f.procedure(code="1.004873", level_code="commune", valid_from=dt.date(2025, 7, 1),
                name="Cấp Giấy xác nhận tình trạng hôn nhân cho công dân Việt Nam cư trú ở trong nước")
    page = admin_client.get(reverse("admin:procedures_procedure_changelist"))
    assert page.status_code == 200
    content = page.content.decode()
    for column in ("column-code", "column-name_display", "column-level", "column-validity"):
        assert column in content
    assert "column-online_level" not in content  # few columns: the name gets the room
    assert "cư trú ở trong nước</span>" in content  # whole, not cut
    assert "đang có hiệu lực" in content and "từ 01/07/2025" in content
    assert "td.field-name_display{white-space:normal;" in content


def test_the_calendar_month_shows_working_days_weekends_holidays_and_make_up_days(admin_client):
    CalendarDay.objects.create(date=dt.date(2026, 4, 30), kind="holiday", name="Ngày Chiến thắng")
    CalendarDay.objects.create(date=dt.date(2026, 5, 1), kind="holiday", name="Quốc tế Lao động")
    CalendarDay.objects.create(date=dt.date(2026, 4, 27), kind="day_off", name="Nghỉ bù Giỗ Tổ")
    CalendarDay.objects.create(date=dt.date(2026, 4, 25), kind="makeup_workday", name="Làm bù")
    url = reverse("admin:procedures_calendarday_month")
    page = admin_client.get(url, {"year": 2026, "month": 4})
    assert page.status_code == 200
    days = {d["date"]: d for week in page.context["weeks"] for d in week}
    assert days[dt.date(2026, 4, 1)]["kind"] == "working" and days[dt.date(2026, 4, 1)]["working"]
    assert days[dt.date(2026, 4, 4)]["kind"] == "weekend" and not days[dt.date(2026, 4, 4)]["working"]
    assert days[dt.date(2026, 4, 30)]["kind"] == "holiday" and not days[dt.date(2026, 4, 30)]["working"]
    assert days[dt.date(2026, 4, 27)]["kind"] == "day_off" and not days[dt.date(2026, 4, 27)]["working"]
    assert days[dt.date(2026, 4, 25)]["kind"] == "makeup_workday" and days[dt.date(2026, 4, 25)]["working"]
    assert min(days) == dt.date(2026, 3, 30) and max(days) == dt.date(2026, 5, 3)  # whole weeks, Monday first
    # April 2026: 22 weekdays, less 30/4 and 27/4, plus Saturday 25/4
    assert page.context["working_days"] == 21
    content = page.content.decode()
    assert 'data-date="2026-04-30" data-kind="holiday" data-working="0"' in content
    assert "Ngày Chiến thắng" in content and "?date=2026-04-02" in content  # add a day from the grid
    assert "?year=2026&month=5" in content and "?year=2026&month=3" in content
    changelist = admin_client.get(reverse("admin:procedures_calendarday_changelist")).content.decode()
    assert url in changelist
    assert admin_client.get(url, {"year": "x", "month": "13"}).status_code == 200  # falls back to this month
