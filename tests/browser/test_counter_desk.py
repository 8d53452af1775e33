"""One dossier through the screens in headless Chromium: counter → desk (specialist, leader) → counter."""
import re

import pytest
from playwright.sync_api import expect

from tests.counter.conftest import install_site_apps
from workflows.models import Dossier
from workflows.statuses import Status

PASSWORD = "pw-for-tests-1"  # tests/factories.user's default


@pytest.fixture(autouse=True)
def _site_apps(settings):
    install_site_apps(settings)


def log_in(page, username):
    page.goto(page.base_url + "/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_load_state()


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/login/"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_commune_dossier_goes_from_the_counter_through_the_desk_and_back(page, screenshot, world):
    # The clerk finds the procedure from the keyboard: the search box has the focus, Enter searches,
    # Enter again opens the first result.
    log_in(page, "clerk")
    expect(page.locator("h1")).to_contain_text("Quầy một cửa")
    screenshot(page, "counter-desk-01-counter-day")
    page.keyboard.type("hon nhan")
    page.keyboard.press("Enter")
    expect(page.locator("ol.results")).to_contain_text("Cấp Giấy xác nhận tình trạng hôn nhân")
    screenshot(page, "counter-desk-02-procedure-search")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Tiếp nhận hồ sơ")

    # Applicant and checklist; Enter previews the appointment, Enter again confirms.
    page.keyboard.type("Lò Thị Mai")
    page.fill("#id_id_number", "011223344556")
    page.check("text=Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")
    page.locator("#id_phone").press("Enter")
    expect(page.locator(".preview")).to_contain_text("Ngày hẹn trả kết quả")
    screenshot(page, "counter-desk-03-receive-preview")
    page.keyboard.press("Enter")  # the confirm button has the focus

    expect(page.locator("h1")).to_have_text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    dossier = Dossier.objects.get()
    expect(page.locator(".code").first).to_have_text(dossier.code)
    expect(page.locator(".secret")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    expect(page.get_by_role("link", name=re.compile("In giấy tiếp nhận"))).to_be_focused()
    screenshot(page, "counter-desk-04-receipt")
    pdf = page.request.get(page.base_url + f"/counter/dossiers/{dossier.pk}/forms/receipt.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    log_out(page)

    # The specialist opens it from the inbox and completes the step with a note.
    log_in(page, "specialist")
    expect(page.locator("table.inbox")).to_contain_text(dossier.code)
    screenshot(page, "counter-desk-05-desk-inbox")
    page.get_by_role("link", name=dossier.code).click()
    expect(page.locator(".timeline")).to_contain_text("Tiếp nhận hồ sơ")
    screenshot(page, "counter-desk-06-desk-dossier")
    page.keyboard.type("Hồ sơ hợp lệ, đề nghị cấp")  # the note has the focus
    page.get_by_role("button", name=re.compile("Hoàn thành bước")).click()
    expect(page.locator(".messages")).to_contain_text("Đã hoàn thành bước")
    log_out(page)

    # The leader grants it.
    log_in(page, "leader")
    page.get_by_role("link", name=dossier.code).click()
    expect(page.get_by_role("heading", name="Quyết định")).to_be_visible()
    screenshot(page, "counter-desk-07-leader-decide")
    page.get_by_role("button", name=re.compile("Ký duyệt")).click()
    expect(page.locator(".messages")).to_contain_text("kết quả chuyển về Bộ phận Một cửa")
    log_out(page)

    # The clerk sees the result waiting and returns it.
    log_in(page, "clerk")
    expect(page.locator("#h-results")).to_contain_text("(1)")
    screenshot(page, "counter-desk-08-result-waiting")
    page.get_by_role("link", name=dossier.code).first.click()
    expect(page.locator("#id_collected_by")).to_be_focused()
    page.fill("#id_collected_by", "Lò Thị Mai")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("Đã trả kết quả")
    screenshot(page, "counter-desk-09-returned")
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.collected_by == "Lò Thị Mai"
