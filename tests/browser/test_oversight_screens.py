"""Every oversight screen in headless Chromium at 1366 and 360 px, with the long names a real catalog has:
no sideways scroll (wide tables scroll inside their own box), the delay audit's pickers kept to the page,
legible chart labels, the report's two-level heading; the report's PDF rendered beside the screenshots."""
import datetime as dt

import pypdfium2
import pytest
from django.conf import settings
from django.utils import timezone

from tests import factories as f
from tests.browser.conftest import SCREENSHOTS
from tests.counter.conftest import install_site_apps
from tests.metrics.conftest import march  # noqa: F401 -- the hand-built March 2026 data set
from workflows.models import AuditAnchor, AuditRun

WIDTHS = (1366, 360)
MARCH = "kind=month&year=2026&number=3"
LONG_PROCEDURE = ("Cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu nhà ở và tài sản khác gắn liền với đất lần "
                  "đầu cho hộ gia đình, cá nhân, cộng đồng dân cư, người Việt Nam định cư ở nước ngoài được sở hữu "
                  "nhà ở tại Việt Nam đang sử dụng đất không có giấy tờ về quyền sử dụng đất")
LONG_AGENCY = ("Chi nhánh Văn phòng Đăng ký đất đai tỉnh Lai Châu tại khu vực Tam Đường, Phong Thổ và Sìn Hồ "
               "(bộ phận tiếp nhận hồ sơ và trả kết quả)")


@pytest.fixture(autouse=True)
def _site_apps(settings):
    install_site_apps(settings)


def _log_in(page, client, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.base_url}])


def _shots(page, screenshot, url, name):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(page.base_url + url)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide at {width} px"
        screenshot(page, f"oversight-{name}-{width}")


def _long_names(w):
    long_proc = f.procedure(code="1.012345", name=LONG_PROCEDURE, level_code="commune",
                            field=f.field("Đất đai, đăng ký đất đai, tài sản khác gắn liền với đất"))
    f.agency(w.district, "land_registration", LONG_AGENCY, "000.00.19.H29")
    official = f.user("long_official", "specialist", [w.land], first_name="Thị Thanh Hương", last_name="Nguyễn Hoàng")
    run = AuditRun.objects.create(started_at=timezone.now() - dt.timedelta(hours=2), finished_at=timezone.now(),
                                  checked=15)
    AuditAnchor.objects.create(day=timezone.localdate(), taken_at=timezone.now(), dossier_count=15,
                               digest="9f" * 32, signature="3c" * 32, key_id="k1")
    return long_proc, official, run


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_oversight_screen_fits_1366_and_360_px(page, screenshot, client, march):  # noqa: F811
    w = march.world
    long_proc, official, _run = _long_names(w)
    _log_in(page, client, w.supervisor)

    _shots(page, screenshot, f"/oversight/?{MARCH}", "01-dashboard")
    # chart labels: at least 12 units tall, a cut label keeps its full text, decimals with a comma
    page.set_viewport_size({"width": 1366, "height": 900})
    sizes = page.evaluate("[...document.querySelectorAll('svg.chart text')].map(t => t.getBoundingClientRect().height)")
    assert sizes and min(sizes) >= 12, sizes
    assert "57,1%" in page.locator("svg.chart").first.text_content()

    # the delay audit, filtered by the longest procedure and agency and by an official
    land = w.land.pk
    _shots(page, screenshot, f"/oversight/cham-tre/?{MARCH}", "02-delays")
    _shots(page, screenshot, f"/oversight/cham-tre/?{MARCH}&procedure={long_proc.pk}&agency={land}"
                             f"&official={official.pk}&only_period=on", "03-delays-filtered")
    page.set_viewport_size({"width": 1366, "height": 900})
    options = page.locator("#id_official option").all_text_contents()
    assert "Nguyễn Hoàng Thị Thanh Hương" in options  # family name first
    box = page.locator("#id_procedure").bounding_box()
    assert box["width"] <= 24 * 16  # the picker keeps to its column; the options carry the whole name
    assert LONG_PROCEDURE in page.locator(".ov-active").inner_text()  # and so does the line under the filters

    _shots(page, screenshot, f"/oversight/quy-trach-nhiem/?{MARCH}&by=agency", "04-attribution-agency")
    _shots(page, screenshot, f"/oversight/quy-trach-nhiem/?{MARCH}&by=step", "05-attribution-step")
    _shots(page, screenshot, f"/oversight/quy-trach-nhiem/?{MARCH}&by=official", "06-attribution-official")
    _shots(page, screenshot, f"/oversight/ho-so/{march.G.pk}/", "07-dossier")

    _shots(page, screenshot, f"/oversight/bao-cao/?{MARCH}", "08-report")
    heading = page.locator("table.ov-report thead tr")
    assert heading.count() == 2
    assert heading.nth(0).locator("th").all_text_contents() == [
        "Đơn vị", "Lĩnh vực", "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết",
        "Rút, dừng, từ chối"]
    response = page.request.get(f"{page.base_url}/oversight/bao-cao/?{MARCH}&export=pdf")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(response.body())
    assert len(pdf) == 1
    pdf[0].render(scale=2).to_pil().save(SCREENSHOTS / "oversight-09-report-pdf-page1.png")

    _shots(page, screenshot, "/oversight/dinh-nghia/", "10-definitions")
    _shots(page, screenshot, "/oversight/kiem-tra-nhat-ky/", "11-audit")
