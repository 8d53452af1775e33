"""The citizen's status page on a small phone (360 px wide), reached by typing code and secret."""
import pytest
from django.core.cache import cache

from tests.world import at
from workflows import services


@pytest.fixture
def portal_installed(settings):
    # The portal's templates need its app installed (the lead adds it to settings; harmless after).
    if "onestop.portal" not in settings.INSTALLED_APPS:
        settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "onestop.portal"]
    cache.clear()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizen_reads_the_status_on_a_360_pixel_phone(page, screenshot, world, portal_installed):
    w = world
    receipt = services.receive(
        actor=w.clerk, procedure=w.commune_proc, agency=w.counter,
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="012345678901", phone="0912345678"),
        document_ids=[d.pk for d in w.commune_proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9),
    )
    services.request_supplement(receipt.dossier, actor=w.specialist, items=["Bản sao sổ hộ khẩu"],
                                now=at(2026, 3, 2, 14))
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{page.base_url}/tra-cuu/")
    page.get_by_label("Mã hồ sơ").fill(receipt.dossier.code)
    page.get_by_label("Mã bí mật").fill(receipt.secret)
    page.keyboard.press("Enter")  # the keyboard alone submits the form
    page.wait_for_selector("text=Chờ bổ sung, hoàn thiện hồ sơ")
    assert page.get_by_text("Bản sao sổ hộ khẩu").is_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Nguyễn Văn An" not in page.content()
    path = screenshot(page, "portal-status-360")
    assert path.stat().st_size > 0
