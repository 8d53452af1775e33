"""API test helpers: token-authenticated clients per user, a clean throttle cache, a received dossier."""
import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.world import at, receive


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()  # lookup-failure counters live in the cache
    yield
    cache.clear()


@pytest.fixture
def api():
    """api(user) → an APIClient sending the user's token; api() → an anonymous client."""
    def make(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client
    return make


@pytest.fixture
def dossier(world):
    """A commune dossier received at the counter on Monday 2 March 2026, 09:00."""
    return receive(world, now=at(2026, 3, 2, 9))


def url(path: str) -> str:
    return f"/api/{path.lstrip('/')}"


def pytest_terminal_summary(terminalreporter):
    """Print (and keep under test-output/) the fuzzing counts when tests/api/test_fuzz.py ran."""
    import sys
    from pathlib import Path

    fuzz = sys.modules.get("tests.api.test_fuzz")
    if fuzz is None or not fuzz.STATS["cases"]:
        return
    line = fuzz.summary()
    terminalreporter.write_sep("-", "API fuzzing")
    terminalreporter.write_line(line)
    out = Path(__file__).resolve().parents[2] / "test-output"
    out.mkdir(exist_ok=True)
    (out / "schemathesis.txt").write_text(line + "\n", encoding="utf-8")
