"""The oversight dashboard in headless Chromium: figures, charts (server-side SVG) and no network."""
import pytest
from django.conf import settings

from tests.metrics.conftest import march  # noqa: F401 -- the hand-built March 2026 data set
from tests.oversight.conftest import oversight_templates  # noqa: F401 -- until the app is installed


def _log_in(page, client, user):
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.base_url}])


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_supervisor_sees_the_dashboard_with_its_charts(page, screenshot, client, march):  # noqa: F811
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    _log_in(page, client, march.world.supervisor)
    page.goto(f"{page.base_url}/oversight/?kind=month&year=2026&number=3")
    assert page.locator("[data-figure=received]").inner_text() == "10"
    assert page.locator("[data-figure=on_time_rate]").inner_text() == "57,1%"  # Vietnamese decimal comma
    assert page.locator("svg.chart").count() == 3
    assert page.locator("svg.chart title").first.text_content().startswith("Tỷ lệ")
    screenshot(page, "oversight-dashboard")
    assert all(url.startswith(page.base_url) for url in requests)  # works without a network

    page.click("text=Báo cáo định kỳ")
    assert "Tổng cộng" in page.locator("table").inner_text()
    screenshot(page, "oversight-report")
