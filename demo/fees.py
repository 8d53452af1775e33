"""Fees in the demo province: the catalog's fee lines, and the simulated citizens paying them.

The amounts are the catalog's (fixtures/demo_catalog*.csv, `fee_amount` and `fee_note`): the
counter rate, and the lower online rate where the note names one. A simulated citizen pays at
the counter on receipt (the clerk records it, `payments.services.record_counter_payment`), or,
having submitted online, through the payment gateway: the demo starts our gateway simulator
(payments/simulator.py) as its own process on loopback for the run, and each online payment goes
the whole signed redirect-and-return way a browser takes (`OnlinePayer.pay`).
"""
import secrets
import subprocess
import sys
from contextlib import contextmanager
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlsplit
from urllib.request import HTTPRedirectHandler, build_opener

from django.conf import settings
from django.test.utils import override_settings
from django.urls import reverse

from payments import services as payment_services
from payments.fees import outstanding
from payments.models import CallbackSource, FeeKind, FeeLine, FeeStage
from procedures.models import Procedure
from workflows.errors import DomainError

# procedure code → (kind, line name, counter rate, online rate), from the catalog's fee notes.
FEE_LINES = {
    "2.000635": (FeeKind.FEE, "Phí cấp bản sao trích lục hộ tịch (mỗi bản sao)", 8_000, 8_000),
    "2.000815": (FeeKind.FEE, "Phí chứng thực bản sao từ bản chính (hai trang đầu)", 4_000, 4_000),
    "2.000884": (FeeKind.FEE, "Phí chứng thực chữ ký", 10_000, 10_000),
    "2.001035": (FeeKind.FEE, "Phí chứng thực hợp đồng, giao dịch", 50_000, 50_000),
    "2.001019": (FeeKind.FEE, "Phí chứng thực di chúc", 50_000, 50_000),
    "1.004222": (FeeKind.CHARGE, "Lệ phí đăng ký thường trú", 20_000, 10_000),
    "1.004194": (FeeKind.CHARGE, "Lệ phí đăng ký tạm trú", 10_000, 7_000),
    "2.001583": (FeeKind.CHARGE, "Lệ phí đăng ký doanh nghiệp", 50_000, 50_000),
    "1.001456": (FeeKind.CHARGE, "Lệ phí cấp hộ chiếu phổ thông", 200_000, 160_000),
    "2.001827": (FeeKind.FEE, "Phí thẩm định cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                 700_000, 700_000),
}
# What becomes of a simulated online payment (the gateway simulator's `sim_outcome`), by weight.
ONLINE_OUTCOMES = (("success", 92), ("cancel", 5), ("failure", 3))


def load_fee_lines() -> int:
    """Give every version of the listed procedures its fee line; returns how many were created.
    Idempotent: a version that already has lines (the demo's, or an official's edit) is left alone."""
    created = 0
    for procedure in Procedure.objects.filter(code__in=FEE_LINES).order_by("pk"):
        if procedure.fee_lines.exists():
            continue
        kind, name, counter, online = FEE_LINES[procedure.code]
        FeeLine.objects.create(procedure=procedure, kind=kind, name=name, amount_counter=counter,
                               amount_online=online, stage=FeeStage.RECEIPT,
                               legal_basis=procedure.fee_note or "")
        created += 1
    return created


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the gateway's redirect back is read, not followed


class OnlinePayer:
    """The citizen's side of an online payment, against a running gateway (simulator)."""

    def __init__(self):
        self.opener = build_opener(_NoRedirect)
        self.return_url = settings.SITE_URL.rstrip("/") + reverse("payments:back")

    def pay(self, dossier, *, outcome: str, now) -> str:
        """Open the signed pay address, take the gateway's signed redirect back and hand it to the
        service as the browser's return would; returns the outcome the service logged."""
        started = payment_services.start_online_payment(dossier, return_url=self.return_url, now=now)
        separator = "&" if "?" in started.redirect_url else "?"
        try:
            self.opener.open(f"{started.redirect_url}{separator}sim_outcome={outcome}", timeout=10).close()
            return "no_redirect"
        except HTTPError as exc:  # the unfollowed redirect back, or the gateway's refusal
            location = exc.headers.get("Location") if exc.code in (302, 303) else None
            if not location:
                return "refused_by_gateway"
        except OSError:
            return "unreachable"  # the payment stays pending; the nightly query settles it
        params = dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))
        handled = payment_services.handle_callback(params, source=CallbackSource.RETURN, now=now)
        return handled.outcome


@contextmanager
def gateway_simulator():
    """Run the gateway simulator as its own loopback process for the block, with the settings
    pointing at it (a fresh secret for the run); yields an OnlinePayer."""
    secret = secrets.token_hex(16)
    merchant = settings.ONESTOP_PAYMENT_GATEWAY_MERCHANT or "ONESTOP"
    process = subprocess.Popen(
        [sys.executable, "-m", "payments.simulator", "--port", "0", "--secret", secret, "--merchant", merchant],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=settings.BASE_DIR,
    )
    try:
        line = process.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(f"the payment gateway simulator did not start: {line!r}")
        url = line.removeprefix("listening on ")
        with override_settings(ONESTOP_PAYMENT_GATEWAY_URL=url, ONESTOP_PAYMENT_GATEWAY_SECRET=secret,
                               ONESTOP_PAYMENT_GATEWAY_MERCHANT=merchant):
            yield OnlinePayer()
    finally:
        process.terminate()
        process.wait(timeout=10)


class DemoFees:
    """What the simulated citizens pay: everything due, at the counter or online."""

    def __init__(self, rng, payer: OnlinePayer | None):
        self.rng, self.payer = rng, payer
        self.paid_counter = self.paid_online = self.unpaid_online = 0

    def at_counter(self, dossier, clerk, now):
        due = outstanding(dossier)
        if due:
            payment_services.record_counter_payment(dossier, actor=clerk, amount=due, now=now)
            self.paid_counter += 1

    def online(self, dossier, now):
        if self.payer is None or not outstanding(dossier):
            return
        outcome = self.rng.choices([o for o, _w in ONLINE_OUTCOMES], weights=[w for _o, w in ONLINE_OUTCOMES])[0]
        try:
            logged = self.payer.pay(dossier, outcome=outcome, now=now)
        except DomainError:
            logged = "refused"
        if logged == "paid":
            self.paid_online += 1
        else:
            self.unpaid_online += 1  # failed or cancelled: the counter collects it on acceptance
