import pytest

from portal_sync.simulator import running_simulator


@pytest.fixture(scope="session")
def portal_simulator():
    """A portal simulator process on loopback for the session; yields its base URL."""
    with running_simulator(hang=0.5) as url:
        yield url
