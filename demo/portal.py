"""The demo's national portal: the simulator (portal_sync/simulator.py) as its own loopback process
for the simulation, every event of the simulated dossiers synced to it through the real outbox and
client (eager Celery sends each record as its event commits)."""
import secrets
from contextlib import contextmanager
from dataclasses import dataclass

from django.test.utils import override_settings

from portal_sync.models import DossierSync
from portal_sync.simulator import running_simulator


@dataclass
class PortalLink:
    url: str

    def synced(self) -> int:
        return DossierSync.objects.filter(first_acked_at__isnull=False).count()


@contextmanager
def portal_link():
    token, secret = secrets.token_hex(8), secrets.token_hex(16)
    with running_simulator(token=token, secret=secret) as url, override_settings(
            PORTAL_URL=url, PORTAL_TOKEN=token, PORTAL_SECRET=secret, PORTAL_SYNC_ENABLED=True):
        yield PortalLink(url)
