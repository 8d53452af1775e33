"""The demo's national portal: the simulator (portal_sync/simulator.py) as its own loopback process,
its store journaled under var/ so that `make run` can start it again with what it holds. Every event
of the simulated dossiers is synced to it through the real outbox and client (eager Celery sends each
record as its event commits), and a few citizens submit on the portal: the pull receives them into
the counters' queue, VNeID-verified as portal accounts are."""
import base64
import io
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.test.utils import override_settings
from reportlab.pdfgen import canvas

from portal_intake.pull import pull_new_dossiers
from portal_sync.client import PortalClient
from portal_sync.models import DossierSync
from portal_sync.simulator import DEFAULT_SECRET, DEFAULT_TOKEN, running_simulator
from workflows.models import Channel, Dossier

JOURNAL = "portal-sim.jsonl"  # under VAR_DIR; `make run` serves the same journal
PORTAL_SUBMITTERS = [("Lò Văn Minh", "012200001111"), ("Tòng Thị Hoa", "012200002222"),
                     ("Vàng A Sùng", "012200003333"), ("Giàng Thị Mai", "012200004444"),
                     ("Lý Văn Pao", "012200005555"), ("Quàng Thị Lan", "012200006666")]


@dataclass
class PortalLink:
    url: str

    def synced(self) -> int:
        return DossierSync.objects.filter(first_acked_at__isnull=False).count()

    def citizens_submit(self, day_code: str) -> int:
        """Queue one portal dossier per submitter, on procedures and counters the simulation's own online
        dossiers used, then pull them as the periodic task would; returns how many were received."""
        templates = [t for t in _distinct_templates() if t.receiving_agency.identifier][:len(PORTAL_SUBMITTERS)]
        for i, (template, (name, id_number)) in enumerate(zip(templates, PORTAL_SUBMITTERS, strict=False), start=1):
            documents = [{"MaThanhPhanHoSo": f"TP{doc.order}", "TenTep": f"thanh-phan-{doc.order}.pdf",
                          "NoiDung": base64.b64encode(_pdf(doc.name)).decode()}
                         for doc in template.procedure.documents.filter(is_mandatory=True)]
            PortalClient(self.url, DEFAULT_TOKEN, DEFAULT_SECRET).post_json("/_sim/hoso/moi", {
                "MaHoSoDVCQG": f"G22.99-{day_code}-{i:04d}", "MaTTHC": template.procedure.code,
                "MaDonVi": template.receiving_agency.identifier, "ChuHoSo": name, "SoGiayToChuHoSo": id_number,
                "SoDienThoaiChuHoSo": f"09120000{i:02d}", "TaiKhoanDuocXacThucVoiVNeID": 1, "TaiLieuNop": documents})
        return pull_new_dossiers().received


def _distinct_templates():
    """One online dossier per (procedure, counter) pair: combinations the catalog offers online."""
    seen, out = set(), []
    for d in Dossier.objects.filter(channel=Channel.ONLINE).select_related("procedure", "receiving_agency"):
        if (d.procedure_id, d.receiving_agency_id) not in seen:
            seen.add((d.procedure_id, d.receiving_agency_id))
            out.append(d)
    return out


def _pdf(title: str) -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 760, title[:90].encode("ascii", "replace").decode())
    page.save()
    return out.getvalue()


@contextmanager
def portal_link(*, fresh: bool = False):
    """The simulator for the block, settings pointing at it; `fresh`: forget what an earlier demo
    database synced (the simulation starts on an empty database)."""
    journal = settings.VAR_DIR / JOURNAL
    if fresh:
        journal.unlink(missing_ok=True)
    journal = str(journal)
    with running_simulator(token=DEFAULT_TOKEN, secret=DEFAULT_SECRET, state=journal) as url, override_settings(
            PORTAL_URL=url, PORTAL_TOKEN=DEFAULT_TOKEN, PORTAL_SECRET=DEFAULT_SECRET, PORTAL_SYNC_ENABLED=True):
        yield PortalLink(url)
