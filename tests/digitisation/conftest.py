"""Fixtures for digitisation at receipt: uploads under a temporary MEDIA_ROOT, the counter's apps."""
import pytest

from tests.counter.conftest import install_site_apps


@pytest.fixture(autouse=True)
def _site(settings, tmp_path):
    install_site_apps(settings)
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def clerk_client(client, world):
    client.force_login(world.clerk)
    return client
