"""The A5 forms: each PDF opens, is A5, and reads back with its facts and diacritics intact.

These dossiers are received in 2026, under TT 03/2025 (tests/documents/test_forms_2025.py compares the sets)."""
import unicodedata
from pathlib import Path

import pytest
from django.utils import timezone
from reportlab.lib.pagesizes import A5

from documents import layout
from documents import render as documents
from documents.render import FORM_KINDS, render_form
from tests.documents.conftest import pdf_text
from tests.world import at, receive
from workflows.errors import TransitionNotAllowed

APPLICANT = "Nguyễn Văn An"
PROCEDURE = "Cấp Giấy xác nhận tình trạng hôn nhân"
FONT_DIR = Path(documents.__file__).parent / "fonts"


def day(instant) -> str:
    return f"{timezone.localtime(instant):%d/%m/%Y}"


def assert_a5(reader):
    assert len(reader.pages) >= 1
    for page in reader.pages:
        box = page.mediabox
        assert abs(float(box.width) - A5[0]) < 1 and abs(float(box.height) - A5[1]) < 1


def assert_common(text, dossier):
    assert dossier.code in text
    assert APPLICANT in text
    assert PROCEDURE in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text


def test_the_api_names_the_six_a5_forms():
    assert FORM_KINDS == ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "control_slip")


def test_the_receipt_is_an_a5_slip_with_code_applicant_procedure_appointment_and_secret(received):
    data = render_form("receipt", received, secret="ABCD2345")
    reader, text = pdf_text(data)
    assert_a5(reader)
    assert_common(text, received)
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "BỘ PHẬN MỘT CỬA XÃ BÌNH LƯ" in text and "Bộ phận Một cửa xã Bình Lư tiếp nhận hồ sơ" in text
    assert "09 giờ 00 phút, ngày 02/03/2026" in text  # received
    assert f"ngày {day(received.due_at)}" in text and "Thời gian trả kết quả giải quyết hồ sơ" in text
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in text and "bản chính" in text
    assert "3 ngày làm việc" in text
    assert "ABCD2345" in text
    assert "Số thứ tự: 1" in text


def test_the_receipt_prints_the_secret_only_when_it_is_passed(received):
    _reader, text = pdf_text(render_form("receipt", received))
    assert "Mã bí mật" not in text


def test_the_receipt_qr_code_opens_the_status_page_or_the_given_url(received, monkeypatch, settings):
    encoded = []
    real = layout.qr_runs

    def spy(value):
        encoded.append(value)
        return real(value)

    monkeypatch.setattr(layout, "qr_runs", spy)
    settings.SITE_URL = "https://motcua.laichau.gov.vn/"
    render_form("receipt", received)
    render_form("receipt", received, status_url="https://motcua.laichau.gov.vn/tra-cuu/t/abc")
    from urllib.parse import parse_qs, urlsplit

    from workflows.codes import read_lookup_token

    default, given = encoded
    assert default.startswith("https://motcua.laichau.gov.vn/tra-cuu/?t=")
    # The default link carries a signed token for this dossier: no secret needed to follow it.
    assert read_lookup_token(parse_qs(urlsplit(default).query)["t"][0]) == received.code
    assert given == "https://motcua.laichau.gov.vn/tra-cuu/t/abc"


def test_the_second_dossier_of_the_year_is_number_two_in_the_book(world, received):
    second = receive(world, now=at(2026, 3, 3, 9), name="Trần Thị Hoa")
    _reader, text = pdf_text(render_form("receipt", second))
    assert "Quyển số: 2026, Số thứ tự: 2" in text


def test_the_supplement_request_lists_the_items_the_reason_and_the_officer(awaiting_supplement, received):
    reader, text = pdf_text(render_form("supplement_request", awaiting_supplement))
    assert_a5(reader)
    assert_common(text, awaiting_supplement)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text
    assert "1. Bản sao Căn cước công dân" in text and "2. Giấy xác nhận nơi cư trú" in text
    assert "Thiếu giấy tờ chứng minh nơi cư trú" in text
    assert f"ngày {day(received.due_at)}" in text
    assert "NGƯỜI HƯỚNG DẪN" in text
    assert "tính lại từ đầu" in text  # the lawful default: the time limit restarts


def test_the_refusal_at_the_counter_gives_the_reasons(refused_at_counter):
    reader, text = pdf_text(render_form("refusal", refused_at_counter))
    assert_a5(reader)
    assert_common(text, refused_at_counter)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "Thủ tục không thuộc thẩm quyền của xã; đề nghị nộp tại huyện" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


def test_a_denied_dossier_gets_a_refusal_with_its_appointment_and_reasons(denied):
    reader, text = pdf_text(render_form("refusal", denied))
    assert_a5(reader)
    assert_common(text, denied)
    assert "Người yêu cầu đang có đăng ký kết hôn chưa chấm dứt" in text
    assert f"ngày {day(denied.due_at)}" in text
    assert "từ chối giải quyết" in text


def test_the_apology_gives_the_old_and_the_new_appointment_and_the_reason(extended, received):
    reader, text = pdf_text(render_form("apology", extended))
    assert_a5(reader)
    assert_common(text, extended)
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in text  # TT 03/2025 Mẫu 04
    assert f"ngày {day(received.due_at)}" in text  # the appointment on the receipt
    assert "16 giờ 00 phút, ngày 10/03/2026" in text  # the new one
    assert "Cần xác minh thông tin tại xã khác" in text
    assert "Kính gửi: Ông/Bà Nguyễn Văn An" in text


def test_the_control_slip_has_a_row_per_handover_up_to_the_return(world, returned):
    reader, text = pdf_text(render_form("control_slip", returned))
    assert_a5(reader)
    assert_common(text, returned)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text
    assert f"ngày {day(returned.due_at)}" in text
    # counter → justice → committee → counter → applicant
    assert text.count("1. Giao:") == 4
    assert "2. Nhận: Công chức Tư pháp – Hộ tịch xã Bình Lư" in text
    assert "2. Nhận: UBND xã Bình Lư" in text
    assert "2. Nhận: Tổ chức, cá nhân" in text
    assert "14 giờ 00 phút, ngày 02/03/2026" in text  # hand-over to the committee
    assert "Người giao" in text and "Người nhận" in text
    assert "Trước hạn" in text


def test_the_control_slip_of_a_running_interlinked_dossier_shows_the_open_step(world):
    from workflows import services

    dossier = receive(world, world.linked_proc, name=APPLICANT)
    dossier = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 3, 9))
    _reader, text = pdf_text(render_form("control_slip", dossier))
    assert "Chi nhánh VP ĐKĐĐ Tam Đường" in text
    assert "Đang giải quyết" in text


def test_an_unknown_form_kind_is_a_value_error(received):
    with pytest.raises(ValueError):
        render_form("certificate", received)


@pytest.mark.parametrize("kind", ["supplement_request", "refusal", "apology"])
def test_a_form_that_does_not_apply_is_refused_with_a_vietnamese_message(received, kind):
    with pytest.raises(TransitionNotAllowed) as caught:
        render_form(kind, received)
    assert caught.value.http_status == 409
    assert "Hồ sơ" in str(caught.value.message)


@pytest.mark.parametrize("kind", ["receipt", "control_slip"])
def test_a_dossier_refused_at_the_counter_has_no_receipt_or_control_slip(refused_at_counter, kind):
    with pytest.raises(TransitionNotAllowed):
        render_form(kind, refused_at_counter)


def test_applicable_kinds_follow_the_dossier(received, refused_at_counter):
    assert documents.applicable_kinds(received) == ["receipt", "control_slip"]
    assert documents.applicable_kinds(refused_at_counter) == ["refusal"]


def test_applicable_kinds_include_apology_and_supplement_once_they_happened(extended, world):
    from workflows import services

    assert "apology" in documents.applicable_kinds(extended)
    dossier = services.request_supplement(extended, actor=world.specialist, items=["Bản sao CCCD"],
                                          now=at(2026, 3, 3, 9))
    assert "supplement_request" in documents.applicable_kinds(dossier)
    for kind in documents.applicable_kinds(dossier):
        render_form(kind, dossier)  # each listed kind renders


def test_rendering_reads_only_and_is_deterministic(received, django_assert_max_num_queries):
    count = received.event_count
    with django_assert_max_num_queries(8):
        first = render_form("receipt", received)
    assert render_form("receipt", received) == first
    received.refresh_from_db()
    assert received.event_count == count


def test_text_is_nfc_and_markup_in_names_is_printed_literally(world):
    decomposed = unicodedata.normalize("NFD", "Công ty <Hoàng & Lê> Nguyễn")
    dossier = receive(world, name=decomposed)
    _reader, text = pdf_text(render_form("receipt", dossier))
    assert "Công ty <Hoàng & Lê> Nguyễn" in text  # raw extraction, in NFC


def test_the_pdf_embeds_only_the_bundled_fonts(received):
    data = render_form("receipt", received)
    assert b"LiberationSerif" in data and b"Helvetica" not in data


def test_the_font_bundle_is_small_and_licensed():
    files = list(FONT_DIR.iterdir())
    assert {"LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf"} <= {f.name for f in files}
    assert "SIL OPEN FONT LICENSE" in (FONT_DIR / "OFL-LICENSE.txt").read_text()
    assert sum(f.stat().st_size for f in files) < 2 * 1024 * 1024


def test_the_qr_symbol_has_its_finder_patterns_and_is_drawn_from_dark_runs():
    count, runs = layout.qr_runs("https://motcua.laichau.gov.vn/tra-cuu/?t=000.00.01.H29-260302-0001:abc")
    assert (count - 17) % 4 == 0  # version v is 4v + 17 modules wide
    dark = {(r, c + i) for r, c, n in runs for i in range(n)}
    finder_edge = {(0, c) for c in range(7)} | {(6, c) for c in range(7)} | {(r, 0) for r in range(7)}
    for r0, c0 in [(0, 0), (0, count - 7), (count - 7, 0)]:  # the three corner squares
        assert {(r0 + r, c0 + c) for r, c in finder_edge} <= dark
        assert (r0 + 1, c0 + 1) not in dark and (r0 + 3, c0 + 3) in dark


@pytest.mark.parametrize("limit", [5, 40, 60, 64, 65, 70, 80, 99, 100, 110, 200])
@pytest.mark.parametrize("growth", [1.0, 2.0, 3.0])
def test_the_largest_fitting_size_is_the_one_a_linear_search_finds(limit, growth):
    from reportlab.platypus import Spacer

    sizes = (10.5, 10, 9.5, 9, 8.5, 8)
    made = []

    def make(size):
        made.append(size)
        return [Spacer(1, size**growth * 100 / 10.5**growth)]

    expected = next((s for s in sizes if s**growth * 100 / 10.5**growth <= limit), sizes[-1])
    story = layout.largest_fitting(make, sizes, 100, limit)
    assert story[0].height == pytest.approx(expected**growth * 100 / 10.5**growth)
    assert len(made) <= (3 if growth == 2.0 else len(sizes))  # the square law predicts in one step
