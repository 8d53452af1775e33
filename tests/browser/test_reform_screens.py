"""The 2025 screens in headless Chromium at 1366 and 360 px: a receipt for another commune's competent
unit, returned at a chosen point, and a stop at the applicant's request with its notice. The printed
forms (PDF) are rendered to PNG beside the screenshots."""
import re

import pypdfium2
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_counter_desk import log_in
from tests.counter.conftest import install_site_apps
from workflows.models import Dossier
from workflows.statuses import Status

WIDTHS = (1366, 360)


@pytest.fixture(autouse=True)
def _site_apps(settings):
    install_site_apps(settings)


def _shots(page, screenshot, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # no sideways scroll at either width
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}"
        screenshot(page, f"{name}-{width}")


def _pdf_png(page, url, name):
    response = page.request.get(page.base_url + url)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.body())
    assert len(pdf) == 1, f"{name}: {len(pdf)} pages"  # one A5 sheet
    for number in range(len(pdf)):
        pdf[number].render(scale=2).to_pil().save(SCREENSHOTS / f"{name}-page{number + 1}.png")
    return len(pdf)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_receipt_names_both_units_and_a_stop_issues_its_notice(page, screenshot, commune_b):
    w = commune_b
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, "clerk")
    expect(page.locator("h1")).to_contain_text("Quầy một cửa")
    page.goto(page.base_url + f"/counter/receive/{w.commune_proc.pk}/")
    page.keyboard.type("Lò Văn Thành")
    page.select_option("#id_competent_unit", str(w.other_commune.pk))
    page.select_option("#id_return_agency", str(w.other_counter.pk))
    page.check("text=Tờ khai cấp Giấy xác nhận tình trạng hôn nhân")
    page.get_by_role("button", name=re.compile("Kiểm tra và xem ngày hẹn")).click()
    expect(page.locator(".preview")).to_contain_text("Ngày hẹn trả kết quả")
    _shots(page, screenshot, "reform-01-receive-for-another-commune")
    page.get_by_role("button", name=re.compile("Xác nhận tiếp nhận")).click()

    expect(page.locator("h1")).to_have_text("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")
    dossier = Dossier.objects.get()
    assert dossier.competent_unit == w.other_commune and dossier.return_agency == w.other_counter
    expect(page.locator(".competent")).to_contain_text("Bản Bo")
    expect(page.locator("body")).to_contain_text("Bộ phận Một cửa xã Bình Lư")
    _shots(page, screenshot, "reform-02-receipt-both-units")
    _pdf_png(page, f"/counter/dossiers/{dossier.pk}/forms/receipt.pdf", "reform-03-receipt-pdf")

    page.goto(page.base_url + f"/counter/dossiers/{dossier.pk}/stop/")
    page.keyboard.type("Công dân đề nghị dừng để bổ sung giấy tờ khác")
    page.select_option("#id_channel", "postal")
    _shots(page, screenshot, "reform-04-stop-form")
    page.get_by_role("button", name=re.compile("Xác nhận dừng giải quyết")).click()
    expect(page.locator(".messages")).to_contain_text("Đã dừng giải quyết hồ sơ")
    assert Dossier.objects.get().status == Status.STOPPED
    _shots(page, screenshot, "reform-05-stopped")
    _pdf_png(page, f"/counter/dossiers/{dossier.pk}/forms/stop_notice.pdf", "reform-06-stop-notice-pdf")
