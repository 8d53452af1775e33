import base64
import hashlib
import uuid
from types import SimpleNamespace

import pytest

from portal_intake.models import InboundCursor
from portal_sync.client import PortalClient
from portal_sync.simulator import DEFAULT_SECRET, DEFAULT_TOKEN

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def new_code() -> str:
    """A portal code of this test alone: the simulator's queue is shared by the session."""
    return f"G-{uuid.uuid4().hex[:12]}"


def item(code, w, **overrides):
    """An inbound dossier as a citizen submits it on the portal, for `w.commune_proc` at `w.counter`."""
    data = {
        "MaHoSoDVCQG": code, "MaTTHC": w.commune_proc.code, "MaDonVi": w.counter.identifier,
        "ChuHoSo": "Lò Văn Thành", "SoGiayToChuHoSo": "012345678901", "SoDienThoaiChuHoSo": "0912345678",
        "DiaChiChuHoSo": "Bản Lở, xã Bình Lư", "TaiKhoanDuocXacThucVoiVNeID": True,
        "TaiLieuNop": [{"MaThanhPhanHoSo": "TP1", "TenTep": "to-khai.pdf",
                        "NoiDung": base64.b64encode(PDF).decode()}],
    }
    data.update(overrides)
    return data


@pytest.fixture
def online_world(world):
    world.commune_proc.online_level = "partial"
    world.commune_proc.save(update_fields=["online_level"])
    return world


@pytest.fixture
def portal(portal_simulator, settings):
    """The simulator, configured as the province's portal; the pull starts after whatever earlier
    tests queued (the queue is the session's, the database the test's)."""
    settings.PORTAL_URL, settings.PORTAL_TOKEN, settings.PORTAL_SECRET = portal_simulator, DEFAULT_TOKEN, DEFAULT_SECRET
    settings.PORTAL_TIMEOUT_SECONDS = 5
    client = PortalClient.from_settings()
    client.post_json("/_sim/mode", {"reset": True})
    start = str(len(client.get_json("/_sim/state")["inbound"]))
    InboundCursor.objects.create(name="hoso_moi", cursor=start)

    def queue(body):
        return client.post_json("/_sim/hoso/moi", body)["item"]

    def mode(**kw):
        return client.post_json("/_sim/mode", kw)

    yield SimpleNamespace(client=client, url=portal_simulator, start=start, queue=queue, mode=mode,
                          state=lambda: client.get_json("/_sim/state"))
    client.post_json("/_sim/mode", {"reset": True})


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
