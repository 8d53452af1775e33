"""The lookup key (ONESTOP_LOOKUP_KEYS): separate from SECRET_KEY, rotated without breaking printed receipts.

A receipt carries the dossier code, the lookup secret (stored as an HMAC under the key) and a QR
link with a token signed with the key. The first key hashes and signs; every listed key verifies.
"""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache

from onestop.screens import lookup
from tests.world import at
from workflows import codes, services

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
KEY_A = "a" + secrets.token_urlsafe(48)
KEY_B = "b" + secrets.token_urlsafe(48)


@pytest.fixture(autouse=True)
def _clean_throttle():
    cache.clear()  # the misses below must not add up to the per-address lookup limit
    yield
    cache.clear()


def receive(world, hour=9):
    proc = world.commune_proc
    return services.receive(
        actor=world.clerk, procedure=proc, agency=world.counter, applicant=services.Applicant(name="Nguyễn Văn An"),
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, hour),
    )


def qr_token(dossier) -> str:
    """The token of the QR link printed on the receipt."""
    return parse_qs(urlsplit(codes.lookup_url(dossier)).query)["t"][0]


def found(client, receipt, token) -> dict:
    """Whether each door finds the dossier: portal with the secret, portal with the QR link, API with the secret."""
    code, secret = receipt.dossier.code, receipt.secret
    portal = client.post("/tra-cuu/", {"code": code, "secret": secret}, follow=True)  # POST, redirect, GET
    link = client.get("/tra-cuu/", {"t": token})
    api = client.post("/api/status/", {"code": code, "secret": secret}, content_type="application/json")
    results = {"secret": portal.status_code, "qr": link.status_code, "api": api.status_code}
    assert set(results.values()) <= {200, 404}, results
    return {door: status == 200 for door, status in results.items()}


ALL_FOUND = {"secret": True, "qr": True, "api": True}
NONE_FOUND = {"secret": False, "qr": False, "api": False}


def test_a_receipt_printed_under_the_old_key_keeps_working_while_that_key_is_listed(client, world, settings):
    settings.ONESTOP_LOOKUP_KEYS = [KEY_A]
    old = receive(world)
    old_token = qr_token(old.dossier)
    assert found(client, old, old_token) == ALL_FOUND

    settings.ONESTOP_LOOKUP_KEYS = [KEY_B, KEY_A]  # rotated: B is current, A still verifies
    assert found(client, old, old_token) == ALL_FOUND
    assert lookup.by_token(old_token).pk == old.dossier.pk
    assert qr_token(old.dossier) != old_token  # a reprint now carries a QR link signed with B

    settings.ONESTOP_LOOKUP_KEYS = [KEY_B]  # A retired: its receipts no longer open anything
    assert found(client, old, old_token) == NONE_FOUND
    assert lookup.by_secret(old.dossier.code, old.secret) is None and lookup.by_token(old_token) is None


def test_new_dossiers_are_hashed_and_signed_with_the_current_key(client, world, settings):
    settings.ONESTOP_LOOKUP_KEYS = [KEY_B, KEY_A]
    new = receive(world, hour=10)
    token = qr_token(new.dossier)
    assert found(client, new, token) == ALL_FOUND

    settings.ONESTOP_LOOKUP_KEYS = [KEY_B]  # dropping the old key does not touch them
    assert found(client, new, token) == ALL_FOUND

    settings.ONESTOP_LOOKUP_KEYS = [KEY_A]  # and they never depended on A
    assert found(client, new, token) == NONE_FOUND


def test_the_lookup_key_is_not_secret_key(world, settings):
    settings.ONESTOP_LOOKUP_KEYS = [KEY_A]
    receipt = receive(world)
    token = qr_token(receipt.dossier)
    settings.SECRET_KEY = secrets.token_urlsafe(64)  # rotating SECRET_KEY (logs staff out) ...
    assert lookup.by_secret(receipt.dossier.code, receipt.secret).pk == receipt.dossier.pk  # ... keeps receipts
    assert lookup.by_token(token).pk == receipt.dossier.pk


def test_a_forged_or_altered_token_is_refused_under_every_key(world, settings):
    settings.ONESTOP_LOOKUP_KEYS = [KEY_B, KEY_A]
    code = receive(world).dossier.code
    token = codes.make_lookup_token(code)
    assert codes.read_lookup_token(token) == code
    signature = token.rpartition(":")[2]
    assert codes.read_lookup_token(f"{code}X:{signature}") is None
    assert codes.read_lookup_token(f"{code}:forged") is None


# --- the settings read from the environment --------------------------------------------------------


def manage(*args, **env):
    dropped = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "ONESTOP_LOOKUP_KEY", "ONESTOP_LOOKUP_OLD_KEYS",
               "ONESTOP_AUDIT_ANCHOR_KEY", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def keys_in(**env) -> list[str]:
    script = "import json; from django.conf import settings; print(json.dumps(settings.ONESTOP_LOOKUP_KEYS))"
    result = manage("shell", "-c", script, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def production(**extra):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "onestop.example.gov.vn",
            "SITE_URL": "https://onestop.example.gov.vn", "ONESTOP_LOOKUP_KEY": KEY_B,
            "ONESTOP_AUDIT_ANCHOR_KEY": secrets.token_urlsafe(64), **extra}


def test_the_environment_gives_the_current_key_then_the_old_ones():
    assert keys_in(**production(ONESTOP_LOOKUP_OLD_KEYS=f" {KEY_A} ,older-key-0123456789")) == [
        KEY_B, KEY_A, "older-key-0123456789"]
    assert keys_in(**production()) == [KEY_B]


def test_development_derives_a_key_and_still_verifies_the_secret_key_era():
    dev_secret = "dev-only-insecure-key-do-not-use-in-production"
    current, *old = keys_in()
    assert current != dev_secret and len(current) == 64 and old == [dev_secret]


def test_production_without_a_lookup_key_refuses_to_start_with_a_clear_message():
    env = production()
    del env["ONESTOP_LOOKUP_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0 and "ONESTOP_LOOKUP_KEY is not set" in result.stderr


@pytest.mark.parametrize("weak", ["short-and-weak", "x" * 60, "same"])
def test_production_with_a_weak_lookup_key_or_secret_key_itself_refuses_to_start(weak):
    env = production(ONESTOP_LOOKUP_KEY=weak)
    if weak == "same":
        env["ONESTOP_LOOKUP_KEY"] = env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0 and "ONESTOP_LOOKUP_KEY is too weak" in result.stderr


def test_production_with_a_lookup_key_passes_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production())
    assert result.returncode == 0, result.stdout + result.stderr
