"""Dossiers in the states each official form needs, built through the services."""
import io

import pytest
from pypdf import PdfReader

from tests.world import at, receive
from workflows import services


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    """The PDF opened with pypdf and its text with whitespace collapsed (lines wrap anywhere).

    Not normalised here: the forms must write NFC themselves."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return reader, " ".join(text.split())


@pytest.fixture
def received(world):
    return receive(world, now=at(2026, 3, 2, 9))


@pytest.fixture
def awaiting_supplement(world, received):
    return services.request_supplement(
        received, actor=world.specialist, items=["Bản sao Căn cước công dân", "Giấy xác nhận nơi cư trú"],
        reason="Thiếu giấy tờ chứng minh nơi cư trú", now=at(2026, 3, 2, 14),
    )


@pytest.fixture
def extended(world, received):
    return services.extend(received, actor=world.clerk, new_due_at=at(2026, 3, 10, 16),
                           reason="Cần xác minh thông tin tại xã khác", now=at(2026, 3, 2, 15))


@pytest.fixture
def refused_at_counter(world):
    return services.refuse_at_counter(
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        reasons="Thủ tục không thuộc thẩm quyền của xã; đề nghị nộp tại huyện", now=at(2026, 3, 2, 10),
    )


@pytest.fixture
def returned(world, received):
    w = world
    dossier = services.complete_step(received, actor=w.specialist, note="Hồ sơ hợp lệ", now=at(2026, 3, 2, 14))
    dossier = services.decide(dossier, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 10))
    return services.return_result(dossier, actor=w.clerk, collected_by="Nguyễn Văn An", now=at(2026, 3, 3, 15))


@pytest.fixture
def denied(world, received):
    dossier = services.complete_step(received, actor=world.specialist, now=at(2026, 3, 2, 14))
    return services.decide(dossier, actor=world.leader, outcome="denied",
                           reasons="Người yêu cầu đang có đăng ký kết hôn chưa chấm dứt", now=at(2026, 3, 3, 10))
