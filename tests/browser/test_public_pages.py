"""The public pages in headless Chromium at 1366 and 360 px: the front door, an online submission
on a phone (a validation error keeps the files, the phone typed with spaces, the office picked as
unit → counter), the confirmation, the bookmarkable status page with the online supplement, and the
counter's reissue of a lost secret. No page scrolls sideways; a screenshot of each."""
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.browser.test_counter_desk import log_in
from tests.counter.conftest import install_site_apps
from workflows import services
from workflows.models import Dossier, DossierFile
from workflows.statuses import Status

WIDTHS = (1366, 360)
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    install_site_apps(settings)
    if "onestop.portal" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "onestop.portal"]
    settings.MEDIA_ROOT = tmp_path / "uploads"
    cache.clear()
    yield
    cache.clear()


def _shots(page, screenshot, name, widths=WIDTHS):
    for width in widths:
        page.set_viewport_size({"width": width, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{name} scrolls sideways at {width}"
        screenshot(page, f"{name}-{width}")


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": PDF}


def _tappable(page, locator):
    box = page.locator(locator).bounding_box()
    assert box and box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_submits_online_on_a_360_pixel_phone(page, screenshot, world):
    proc = world.commune_proc
    proc.online_level = "partial"
    proc.save()
    page.set_viewport_size({"width": 1366, "height": 800})
    page.goto(page.base_url + "/")
    expect(page.locator("h1")).to_contain_text("Lai Châu")
    _shots(page, screenshot, "public-01-front-door")

    page.get_by_role("link", name="Chọn thủ tục để nộp hồ sơ").click()
    page.get_by_role("link", name=proc.name).click()
    expect(page.locator("h1")).to_have_text("Nộp hồ sơ trực tuyến")
    # Two selects with JavaScript: the commune, then its counter (a single one is chosen at once).
    page.select_option("#id_office_unit", label="Bình Lư")
    expect(page.locator("#id_agency")).to_have_value(str(world.counter.pk))
    page.fill("#id_name", "Nguyễn Văn An")
    page.fill("#id_id_number", "01234567890")  # one digit short
    page.fill("#id_phone", "0912 345 678")
    first, second = proc.documents.order_by("order")
    page.set_input_files(f"#id_doc_{first.pk}", _pdf("to-khai.pdf"))
    page.set_input_files(f"#id_doc_{second.pk}", _pdf("giay-to-khac.pdf"))
    _shots(page, screenshot, "public-02-submit-form", widths=(1366,))
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "public-02-submit-form-360")
    _tappable(page, "button.submit")
    page.locator("button.submit").click()

    expect(page.locator(".notice")).to_contain_text("Các tệp đã tải lên hợp lệ được giữ lại")
    expect(page.get_by_text("Đã tải lên: to-khai.pdf")).to_be_visible()
    expect(page.locator("#id_office_unit")).to_have_value("0")  # the choice survives, in both selects
    _shots(page, screenshot, "public-03-submit-error-files-kept", widths=(360, 1366))
    page.set_viewport_size({"width": 360, "height": 800})
    page.fill("#id_id_number", "012345678901")
    page.locator("button.submit").click()  # no file chosen again

    expect(page.locator("h1")).to_have_text("Đã nộp hồ sơ trực tuyến")
    dossier = Dossier.objects.get()
    assert dossier.applicant_phone == "0912345678"
    assert sorted(DossierFile.objects.filter(dossier=dossier).values_list("original_name", flat=True)) == [
        "giay-to-khac.pdf", "to-khai.pdf"]
    expect(page.locator(".code")).to_have_text(dossier.code)
    expect(page.locator("#secret")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    expect(page.get_by_text("Các bước tiếp theo")).to_be_visible()
    _shots(page, screenshot, "public-04-submitted", widths=(360, 1366))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_bookmarks_the_status_and_sends_the_supplement_online(page, screenshot, world):
    proc = world.commune_proc
    proc.online_level = "partial"
    proc.save()
    first = proc.documents.order_by("order").first()
    receipt = services.submit_online(procedure=proc, agency=world.counter, document_ids=[first.pk],
                                     applicant=services.Applicant(name="Nguyễn Văn An", id_number="012345678901",
                                                                  phone="0912345678"))
    d = services.accept_online(receipt.dossier, actor=world.clerk)
    d = services.start_processing(d, actor=world.specialist)
    services.request_supplement(d, actor=world.specialist, items=["Bản sao giấy khai sinh"])

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(page.base_url + "/")
    page.get_by_label("Mã hồ sơ").fill(d.code)
    page.get_by_label("Mã bí mật").fill(receipt.secret)
    page.keyboard.press("Enter")
    expect(page.locator(".status")).to_have_text("Chờ bổ sung, hoàn thiện hồ sơ")
    assert "?s=" in page.url and receipt.secret not in page.url
    expect(page.get_by_text("sẽ được hẹn lại khi nhận đủ hồ sơ bổ sung")).to_be_visible()
    _shots(page, screenshot, "public-05-status-supplement", widths=(360, 1366))

    page.set_viewport_size({"width": 360, "height": 800})
    bookmark = page.url
    page.set_input_files("#id_files", _pdf("khai-sinh.pdf"))
    _tappable(page, ".supplement button[type=submit]")
    page.locator(".supplement button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Đã gửi 1 tệp bổ sung")
    expect(page.locator(".supplement")).to_contain_text("khai-sinh.pdf")
    _shots(page, screenshot, "public-06-supplement-sent", widths=(360, 1366))

    page.goto(bookmark)  # the bookmark, later: the same page, no code or secret typed
    expect(page.locator(".status")).to_have_text("Chờ bổ sung, hoàn thiện hồ sơ")
    assert Dossier.objects.get(pk=d.pk).status == Status.AWAITING_SUPPLEMENT  # until the counter records it


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_counter_reissues_a_lost_secret_after_an_id_check(page, screenshot, world):
    proc = world.commune_proc
    receipt = services.receive(
        actor=world.clerk, procedure=proc, agency=world.counter, document_ids=[proc.documents.first().pk],
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="012345678901"),
    )
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, "clerk")
    expect(page.locator("h1")).to_contain_text("Quầy một cửa")  # signed in: the counter's day
    page.goto(page.base_url + f"/counter/dossiers/{receipt.dossier.pk}/")
    page.get_by_role("link", name=re.compile("Cấp lại mã bí mật tra cứu")).click()
    expect(page.locator("h1")).to_contain_text("Cấp lại mã bí mật tra cứu")
    page.fill("#id_document_number", "012345678901")
    _shots(page, screenshot, "public-07-counter-reissue-form")
    page.get_by_role("button", name=re.compile("Cấp lại mã bí mật")).click()
    expect(page.locator("#new-secret")).to_have_text(re.compile(r"^[A-Z2-9]{8}$"))
    _shots(page, screenshot, "public-08-counter-reissued")
