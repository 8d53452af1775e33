"""The site's system checks (onestop/checks.py): time zone without DST, SITE_URL allowed, SMS backend."""
import pytest
from django.core.checks import run_checks
from django.core.checks.registry import registry

from notifications.sms import BaseSMSBackend
from onestop import checks


class QuietSMSBackend(BaseSMSBackend):
    """A provider's backend as a deployment would name it in SMS_BACKEND."""

    def send(self, phone, text, *, idempotency_key=""):
        return "quiet"


def ids(errors):
    return [error.id for error in errors]


def test_the_checks_are_registered_and_the_defaults_pass():
    assert set(checks.ALL) <= set(registry.get_checks())
    assert run_checks(tags=["onestop"]) == []


# --- TIME_ZONE -----------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Asia/Bangkok", "UTC"])
def test_a_zone_with_one_utc_offset_passes(settings, zone):
    settings.TIME_ZONE = zone
    assert checks.check_time_zone() == []


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/New_York", "Australia/Sydney"])
def test_a_zone_with_daylight_saving_time_is_an_error(settings, zone):
    settings.TIME_ZONE = zone
    [error] = checks.check_time_zone()
    assert error.id == "onestop.E002" and zone in error.msg and "daylight saving" in error.hint


def test_a_zone_that_changed_its_offset_over_the_years_is_an_error(settings):
    settings.TIME_ZONE = "Asia/Pyongyang"  # UTC+08:30 from 2015 to 2018, no DST
    [error] = checks.check_time_zone()
    assert error.id == "onestop.E002" and "UTC+08:30" in error.msg and "UTC+09:00" in error.msg


def test_an_unknown_zone_is_an_error(settings):
    settings.TIME_ZONE = "Asia/Nowhere"
    assert ids(checks.check_time_zone()) == ["onestop.E001"]


# --- SITE_URL -----------------------------------------------------------------------------


@pytest.mark.parametrize(("site_url", "allowed"), [
    ("http://127.0.0.1:8000", ["127.0.0.1", "localhost"]),
    ("https://motcua.laichau.gov.vn", ["motcua.laichau.gov.vn"]),
    ("https://MOTCUA.LaiChau.gov.vn/", ["motcua.laichau.gov.vn"]),  # host names are case-insensitive
    ("https://motcua.laichau.gov.vn", [".laichau.gov.vn"]),  # leading dot: the domain and its subdomains
    ("https://laichau.gov.vn:8443/onestop", [".laichau.gov.vn"]),
    ("https://motcua.laichau.gov.vn", ["*"]),
    ("http://[::1]:8000", ["[::1]"]),
])
def test_a_site_url_whose_host_is_allowed_passes(settings, site_url, allowed):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, allowed
    assert checks.check_site_url() == []


def test_with_debug_and_no_allowed_hosts_the_local_addresses_django_accepts_pass(settings):
    settings.DEBUG, settings.ALLOWED_HOSTS, settings.SITE_URL = True, [], "http://localhost:8000"
    assert checks.check_site_url() == []
    settings.DEBUG = False
    assert ids(checks.check_site_url()) == ["onestop.E004"]


@pytest.mark.parametrize(("site_url", "allowed"), [
    ("http://127.0.0.1:8000", ["onestop.example.gov.vn"]),  # the default left in production
    ("https://motcua.laichau.gov.vn", ["laichau.gov.vn"]),  # no leading dot: that host only
    ("https://motcua.laichau.gov.vn.evil.example", [".laichau.gov.vn"]),
])
def test_a_site_url_whose_host_is_not_allowed_is_an_error(settings, site_url, allowed):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, allowed
    [error] = checks.check_site_url()
    assert error.id == "onestop.E004" and "ALLOWED_HOSTS" in error.msg


@pytest.mark.parametrize("site_url", ["motcua.laichau.gov.vn", "ftp://motcua.laichau.gov.vn", "https://", ""])
def test_a_site_url_that_is_not_an_absolute_http_url_is_an_error(settings, site_url):
    settings.SITE_URL, settings.ALLOWED_HOSTS = site_url, ["*"]
    assert ids(checks.check_site_url()) == ["onestop.E003"]


# --- SMS_BACKEND ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["notifications.sms.LoggingSMSBackend", "tests.test_system_checks.QuietSMSBackend"])
def test_an_importable_sms_backend_class_passes(settings, path):
    settings.SMS_BACKEND = path
    assert checks.check_sms_backend() == []


@pytest.mark.parametrize("path", [
    "notifications.sms.NoSuchBackend", "no_such_provider.sms.Backend", "LoggingSMSBackend",
])
def test_an_sms_backend_that_cannot_be_imported_is_an_error(settings, path):
    settings.SMS_BACKEND = path
    [error] = checks.check_sms_backend()
    assert error.id == "onestop.E005" and path in error.msg


@pytest.mark.parametrize("path", [
    "notifications.sms.SMSError",  # a class, but not a backend
    "notifications.sms.send_sms",  # not a class
    "notifications.sms.BaseSMSBackend",  # the abstract interface itself
])
def test_an_sms_backend_that_is_not_a_concrete_backend_class_is_an_error(settings, path):
    settings.SMS_BACKEND = path
    assert ids(checks.check_sms_backend()) == ["onestop.E006"]


def test_a_failing_check_fails_the_check_command(settings):
    settings.SMS_BACKEND = "no_such_provider.sms.Backend"
    assert "onestop.E005" in ids(run_checks(tags=["onestop"]))
