"""System checks for the site's own settings (registered in OnestopConfig.ready()).

They fail `manage.py check`, `migrate` and `runserver` on a configuration that would run but
give wrong answers: metrics counted on the wrong local day, receipts whose QR link the site
itself refuses, notifications that crash in the worker.
"""
import datetime as dt
import inspect
import zoneinfo
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error
from django.http.request import split_domain_port, validate_host
from django.utils.module_loading import import_string

# From archived dossiers to well past any appointment given today.
_YEARS = range(2000, 2051)


def check_time_zone(app_configs=None, **kwargs):
    """TIME_ZONE keeps one UTC offset: the metrics compute local days with a fixed offset
    (reporting.periods.LocalDay), which daylight saving time would shift by an hour."""
    name = settings.TIME_ZONE
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, TypeError, ValueError):
        return [Error(f"TIME_ZONE {name!r} is not a known time zone.",
                      hint="Use an IANA zone name such as 'Asia/Ho_Chi_Minh'.", id="onestop.E001")]
    offsets = {dt.datetime(year, month, 1, 12, tzinfo=zone).utcoffset() for year in _YEARS for month in (1, 7)}
    if len(offsets) > 1:
        found = ", ".join(sorted(_format_offset(offset) for offset in offsets))
        return [Error(
            f"TIME_ZONE {name!r} does not keep one UTC offset ({found} between {_YEARS[0]} and {_YEARS[-1]}): "
            "the metrics count local days with a fixed offset and would put dossiers on the wrong day.",
            hint="Use a zone without daylight saving time, e.g. 'Asia/Ho_Chi_Minh' (UTC+07:00).",
            id="onestop.E002",
        )]
    return []


def _format_offset(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def check_site_url(app_configs=None, **kwargs):
    """SITE_URL's host is one ALLOWED_HOSTS accepts: receipts print it as the QR link, and a host
    the site refuses answers every scan with 400 Bad Request."""
    url = settings.SITE_URL or ""
    parts = urlsplit(url)
    # The host as Django reads it from a request's Host header (lower case, port stripped).
    host, _port = split_domain_port(parts.netloc.rpartition("@")[2])
    if parts.scheme not in ("http", "https") or not host:
        return [Error(f"SITE_URL {url!r} is not an absolute http(s) URL.",
                      hint="Set SITE_URL to the site's public address, e.g. https://motcua.laichau.gov.vn",
                      id="onestop.E003")]
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:  # what HttpRequest.get_host() accepts then
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not validate_host(host, allowed):
        return [Error(
            f"The host of SITE_URL ({host}) is not in ALLOWED_HOSTS: the QR links printed on receipts "
            "would be refused with 400 Bad Request.",
            hint=f"Add {host} to ALLOWED_HOSTS, or set SITE_URL to an address it allows.",
            id="onestop.E004",
        )]
    return []


def check_sms_backend(app_configs=None, **kwargs):
    """SMS_BACKEND names an importable, concrete BaseSMSBackend: otherwise every text message
    fails only later, in the worker."""
    from notifications.sms import BaseSMSBackend

    path = settings.SMS_BACKEND
    hint = "Name a subclass of notifications.sms.BaseSMSBackend, e.g. 'notifications.sms.LoggingSMSBackend'."
    try:
        backend = import_string(path)
    except Exception as exc:  # a provider module may fail in any way on import; report, do not crash
        return [Error(f"SMS_BACKEND {path!r} cannot be imported: {exc}", hint=hint, id="onestop.E005")]
    if not (inspect.isclass(backend) and issubclass(backend, BaseSMSBackend)) or inspect.isabstract(backend):
        return [Error(f"SMS_BACKEND {path!r} is not a concrete subclass of notifications.sms.BaseSMSBackend.",
                      hint=hint, id="onestop.E006")]
    return []


ALL = (check_time_zone, check_site_url, check_sms_backend)
