import datetime as dt
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

# Playwright's sync API runs an event loop in the test thread; Django must allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The suite never reads the wall clock: every test runs at one frozen instant, the ISO instant
# in ONESTOP_TEST_NOW (with its UTC offset) or, unset, a Wednesday morning inside office hours.
# CI runs it on a weekday morning and on a Saturday afternoon (.ci/run).
TEST_NOW_VARIABLE = "ONESTOP_TEST_NOW"
DEFAULT_TEST_NOW = "2026-12-02T10:41:00+07:00"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def parse_test_now(raw: str) -> dt.datetime:
    """The instant an ONESTOP_TEST_NOW value names; a naive or garbled value is a usage error."""
    example = "e.g. 2026-12-05T16:30:00+07:00"
    try:
        instant = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        raise pytest.UsageError(f"{TEST_NOW_VARIABLE}={raw!r} is not an ISO 8601 instant ({example})") from None
    if instant.utcoffset() is None:
        raise pytest.UsageError(
            f"{TEST_NOW_VARIABLE}={raw!r} has no UTC offset: a naive time names no instant ({example})")
    return instant


def pytest_configure(config):
    config.onestop_test_now = parse_test_now(os.environ.get(TEST_NOW_VARIABLE) or DEFAULT_TEST_NOW)


def pytest_report_header(config):
    local = config.onestop_test_now.astimezone(VN)
    source = TEST_NOW_VARIABLE if os.environ.get(TEST_NOW_VARIABLE) else "the default"
    return f"frozen clock ({source}): {config.onestop_test_now.isoformat()}, {local:%a %d/%m/%Y %H:%M} in {VN.key}"


@pytest.fixture(autouse=True)
def clock(pytestconfig):
    """Every test runs with the clock stopped at the suite's instant (see DEFAULT_TEST_NOW).

    Yields the time-machine traveller: a test that needs another time of day moves the clock,
    `clock.move_to(at(2026, 12, 5, 16, 30))` or `clock.shift(dt.timedelta(hours=2))`; it stays
    stopped (tick=False) unless told otherwise. The time of other processes (a Celery worker,
    Chromium, the database server) is not affected.
    """
    with time_machine.travel(pytestconfig.onestop_test_now, tick=False) as traveller:
        yield traveller


@pytest.fixture
def frozen_now(clock, pytestconfig):
    """The instant the test started at (an aware datetime in Asia/Ho_Chi_Minh): what
    `timezone.now()` returns until the test moves the clock."""
    return pytestconfig.onestop_test_now.astimezone(VN)


@pytest.fixture(autouse=True)
def _english_free_defaults(settings, _test_media):
    """Tests run with the product's defaults (Vietnamese UI) and the embedded Celery mode."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_TASK_EAGER_PROPAGATES = True
    # Celery reads its configuration once at start-up: in the Redis pass, make tasks eager here
    # too (the worker test switches this off). Eager errors must not propagate, or a task's
    # retry raises instead of retrying.
    from onestop.celery import app

    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    # Hashing demo and factory passwords with PBKDF2 would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No signing keys unless a test configures them (tests/signing): never the demo CA under var/.
    settings.ONESTOP_SIGNING_CONFIG = ""
    # A granted decision stores its result file: never under the checkout's var/ (tests that look
    # at the files set their own MEDIA_ROOT).
    settings.MEDIA_ROOT = _test_media


@pytest.fixture(scope="session")
def _test_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session")
def portal_simulator():
    """A portal simulator process on loopback for the session (portal_sync, portal_intake); yields its
    base URL. Its state is shared by the session: tests use their own dossier codes."""
    from portal_sync.simulator import running_simulator

    with running_simulator(hang=0.5) as url:
        yield url


from tests.world import commune_b, world  # noqa: E402,F401 -- the shared small-province fixture
