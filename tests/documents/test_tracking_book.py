"""The tracking book (Mẫu 06 of TT 01/2018, 07 of TT 03/2025): A4 landscape, every dossier of the period,
repeated heading."""
import datetime as dt

import pytest
from reportlab.lib.pagesizes import A4, landscape

from documents.render import render_tracking_book
from tests.documents.conftest import pdf_text
from tests.world import at, receive
from workflows import services
from workflows.errors import InvalidInput

PAGE = landscape(A4)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def many(world, count, start_day=2):
    return [receive(world, now=at(2026, 3, start_day + i % 4, 8 + i % 8, i % 60), name=f"Lò Thị Hương {i}")
            for i in range(count)]


def test_the_book_spans_pages_of_a4_landscape_with_every_code_and_a_repeated_heading(world):
    dossiers = many(world, 30)
    reader, text = pdf_text(render_tracking_book(world.counter, *MARCH))
    pages = len(reader.pages)
    assert pages >= 2
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - PAGE[0]) < 1 and abs(float(page.mediabox.height) - PAGE[1]) < 1
    for dossier in dossiers:
        assert dossier.code in text
    assert "SỔ THEO DÕI HỒ SƠ" in text and "Từ ngày 01/03/2026 đến ngày 31/03/2026" in text
    assert text.count("Hẹn trả kết quả") == pages  # the heading rows on every page
    assert f"Trang {pages}/{pages}" in text
    assert "Lò Thị Hương 29" in text and "Cấp Giấy xác nhận tình trạng hôn nhân" in text


def test_the_book_shows_the_lifecycle_dates_and_masks_the_phone(world, returned):
    _reader, text = pdf_text(render_tracking_book(world.counter, *MARCH))
    assert "09:00 02/03/2026" in text  # received
    assert "15:00 03/03/2026" in text  # returned
    assert "091****678" in text and "0912345678" not in text
    assert "UBND xã Bình Lư" in text  # the deciding agency


def test_the_book_leaves_out_other_agencies_and_other_periods(world):
    inside = receive(world, now=at(2026, 3, 2, 9))
    before = receive(world, now=at(2026, 2, 27, 9))
    other = receive(world, clerk=world.other_clerk, agency=world.other_counter, now=at(2026, 3, 2, 9))
    _reader, text = pdf_text(render_tracking_book(world.counter, *MARCH))
    assert inside.code in text
    assert before.code not in text and other.code not in text
    # numbered from the start of the year: February's dossier was number 1
    assert f"2 {inside.code}" in text


def test_the_book_counts_the_last_day_of_the_period_whole(world):
    late = receive(world, now=at(2026, 3, 31, 16, 30))
    _reader, text = pdf_text(render_tracking_book(world.counter, *MARCH))
    assert late.code in text


def test_an_empty_period_still_gives_a_book_page(world):
    reader, text = pdf_text(render_tracking_book(world.counter, *MARCH))
    assert len(reader.pages) == 1
    assert "Không có hồ sơ tiếp nhận trong kỳ" in text


def test_a_reversed_period_is_invalid_input(world):
    with pytest.raises(InvalidInput):
        render_tracking_book(world.counter, dt.date(2026, 3, 31), dt.date(2026, 3, 1))


def test_the_book_notes_denials_and_apologies(world, received):
    dossier = services.extend(received, actor=world.clerk, new_due_at=at(2026, 3, 10, 16), reason="Xác minh",
                              now=at(2026, 3, 2, 15))
    dossier = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 3, 9))
    services.decide(dossier, actor=world.leader, outcome="denied", reasons="Không đủ điều kiện",
                    now=at(2026, 3, 3, 10))
    _reader, text = pdf_text(render_tracking_book(world.counter, *MARCH))
    assert "Từ chối giải quyết" in text and "Đã xin lỗi, hẹn lại" in text


def test_the_book_costs_the_same_queries_for_few_or_many_dossiers(world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    many(world, 2)
    with CaptureQueriesContext(connection) as few:
        render_tracking_book(world.counter, *MARCH)
    many(world, 20, start_day=9)
    with django_assert_num_queries(len(few.captured_queries)):
        render_tracking_book(world.counter, *MARCH)
