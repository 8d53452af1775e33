"""Test keys: a demo CA made once per session in a temporary folder with signing/ca.py, for the
agencies and officers of tests/world.py; another CA nobody trusts; an expired certificate."""
import datetime as dt
import io
from types import SimpleNamespace

import pytest
from reportlab.lib.pagesizes import A5
from reportlab.pdfgen import canvas

from signing import ca
from signing.keys import load_certificates
from tests.documents.conftest import awaiting_supplement, denied, extended, received, refused_at_counter  # noqa: F401

# The agencies of tests/world.py that issue forms, and one officer with a key of her own.
AGENCIES = [("000.01.06.H29", "Bộ phận Một cửa xã Bình Lư"), ("000.02.06.H29", "UBND xã Bình Lư"),
            ("000.03.06.H29", "Công chức Tư pháp – Hộ tịch xã Bình Lư")]
OFFICERS = [("leader", "Lê Văn Lãnh Đạo")]


@pytest.fixture(scope="session")
def keys(tmp_path_factory):
    directory = tmp_path_factory.mktemp("signing")
    config = ca.ensure_demo_ca(AGENCIES, OFFICERS, directory=directory)
    other_root = ca.issue_root("Một CA không được tin cậy")
    expired_root = ca.load_root(directory)  # the trusted root: the certificate below chains to it
    return SimpleNamespace(
        directory=directory, config=config, roots=load_certificates(directory / "demo-root.pem"),
        stranger=ca.issue_certificate(other_root, "Người lạ", organisation="Không rõ"),
        stranger_root=other_root,
        expired=ca.issue_certificate(expired_root, "Chứng thư đã hết hạn",
                                     not_before=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
                                     not_after=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
        expired_root=expired_root,
    )


@pytest.fixture
def signing_on(settings, keys):
    """Signing configured with the session's demo CA."""
    settings.ONESTOP_SIGNING_CONFIG = str(keys.config)
    return keys


def plain_pdf(text: str = "Tờ khai") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A5, invariant=1, pageCompression=0)
    page.drawString(72, 400, text)
    page.save()
    return buffer.getvalue()
