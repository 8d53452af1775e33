"""The payment gateway simulator as a separate process on loopback, and dossiers with fees.

The simulator (payments.simulator) runs once per session on a free port; each test that uses
`gateway` starts from a clean state (no orders, default outcome success) and points the site's
settings at it. Tests where the simulator calls back run against pytest-django's live server
(`gateway_live`), with a transactional database so both threads see the rows.
"""
import json
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from urllib.request import HTTPRedirectHandler, Request, build_opener, urlopen

import pytest

from payments import services as payment_services
from payments.models import FeeKind, FeeLine
from tests.world import at, receive
from workflows import services

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-gateway-secret-0123456789abcdef"
MERCHANT = "ONESTOP-TEST"
START_TIMEOUT = 20


@pytest.fixture(scope="session")
def simulator():
    process = subprocess.Popen(
        [sys.executable, "-m", "payments.simulator", "--port", "0", "--secret", SECRET, "--merchant", MERCHANT],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline().strip()  # "listening on http://127.0.0.1:PORT", once it listens
        if not line.startswith("listening on "):
            process.kill()
            pytest.fail(f"the gateway simulator did not start: {line!r} {process.stderr.read()}")
        url = line.removeprefix("listening on ")
        with urlopen(f"{url}/_health", timeout=START_TIMEOUT) as response:
            assert response.status == 200
        yield SimpleNamespace(url=url, process=process)
    finally:
        process.kill()
        process.wait(timeout=10)


class Control:
    """The simulator's control endpoint, and a browser that follows its redirects by hand."""

    def __init__(self, url: str):
        self.url = url

    def set(self, **changes) -> dict:
        request = Request(f"{self.url}/_control", data=json.dumps(changes).encode(), method="POST",
                          headers={"Content-Type": "application/json"})
        with urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def state(self) -> dict:
        with urlopen(f"{self.url}/_control", timeout=10) as response:
            return json.loads(response.read())

    def visit(self, pay_url: str, **extra) -> tuple[int, str]:
        """The citizen's browser at the gateway: (status, Location) of its answer, without following it."""
        if extra:
            pay_url += "&" + "&".join(f"{k}={v}" for k, v in extra.items())

        class NoRedirect(HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = build_opener(NoRedirect)
        try:
            with opener.open(pay_url, timeout=30) as response:
                return response.status, response.headers.get("Location", "")
        except Exception as exc:  # HTTPError for 3xx/4xx/5xx carries the status and headers
            code = getattr(exc, "code", None)
            if code is None:
                raise
            return code, exc.headers.get("Location", "") if exc.headers else ""


@pytest.fixture
def gateway(simulator, settings):
    settings.ONESTOP_PAYMENT_GATEWAY_URL = simulator.url
    settings.ONESTOP_PAYMENT_GATEWAY_SECRET = SECRET
    settings.ONESTOP_PAYMENT_GATEWAY_MERCHANT = MERCHANT
    control = Control(simulator.url)
    control.set(reset=True)
    return control


@pytest.fixture
def gateway_live(gateway, live_server, settings):
    """The simulator calling back the live server (SITE_URL builds the notification address)."""
    settings.SITE_URL = live_server.url
    gateway.site = live_server.url
    return gateway


def add_fees(procedure):
    """A charge cheaper online and a fee the same either way, with its exempt persons."""
    charge = FeeLine.objects.create(procedure=procedure, order=1, kind=FeeKind.CHARGE,
                                    name="Lệ phí cấp Giấy xác nhận", amount_counter=10_000, amount_online=5_000,
                                    legal_basis="Thông tư số 85/2019/TT-BTC")
    fee = FeeLine.objects.create(procedure=procedure, order=2, kind=FeeKind.FEE, name="Phí thẩm định",
                                 amount_counter=40_000, amount_online=40_000,
                                 exemption="Hộ nghèo, người có công với cách mạng")
    return charge, fee


@pytest.fixture
def fees(world):
    world.charge, world.fee = add_fees(world.commune_proc)
    return world


def awaiting_payment(w):
    """A counter dossier received on Tue 1/12 whose specialist asked for its fees (50.000 đồng)."""
    d = receive(w, now=at(2026, 12, 1, 9))
    d = services.start_processing(d, actor=w.specialist, now=at(2026, 12, 1, 10))
    return payment_services.request_fee_payment(d, actor=w.specialist, now=at(2026, 12, 1, 11))
