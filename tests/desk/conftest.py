"""Fixtures for the desk screens."""
import pytest

from tests import factories as f
from tests.counter.conftest import install_fake_documents, install_site_apps


@pytest.fixture(autouse=True)
def _site_apps(settings):
    install_site_apps(settings)


@pytest.fixture
def team(world):
    """A second specialist and a leader at the justice office: its work waits in a shared queue."""
    world.specialist2 = f.user("specialist2", "specialist", [world.justice], first_name="Bình", last_name="Lò Văn")
    world.justice_leader = f.user("justice_leader", "leader", [world.justice])
    return world


@pytest.fixture
def fake_documents(monkeypatch):
    return install_fake_documents(monkeypatch)
