"""Forms an official signs carry the signer's name and title, the counter's telephone, and a fee line
that tells the citizen what is charged and whether it is paid (issue 13 item 3)."""
import pytest

from documents import render as forms_pdf
from payments import services as payment_services
from payments.receipt import render as render_fee_receipt
from tests.documents.conftest import pdf_text
from tests.payments.conftest import add_fees
from tests.world import at, receive
from workflows import services
from workflows.models import StaffMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def titled(world):
    world.counter.phone = "0213 3876 543"
    world.counter.save(update_fields=["phone"])
    StaffMembership.objects.filter(user=world.clerk, agency=world.counter).update(
        title="Công chức tiếp nhận và trả kết quả")
    return world


def test_the_receipt_prints_the_signers_title_and_the_counters_phone(titled):
    dossier = receive(titled, now=at(2026, 3, 2, 9))
    reader, text = pdf_text(forms_pdf.render_form("receipt", dossier))
    assert len(reader.pages) == 1
    assert "Công chức tiếp nhận và trả kết quả" in text
    assert "Điện thoại Bộ phận Một cửa: 0213 3876 543" in text


def test_without_a_title_or_a_phone_nothing_is_invented(world):
    dossier = receive(world, now=at(2026, 3, 2, 9))
    _reader, text = pdf_text(forms_pdf.render_form("receipt", dossier))
    assert "Điện thoại Bộ phận Một cửa" not in text and "Công chức tiếp nhận" not in text


def test_the_stop_notice_and_the_supplement_request_print_the_title(titled):
    dossier = receive(titled, now=at(2026, 3, 2, 9))
    StaffMembership.objects.filter(user=titled.specialist).update(title="Công chức Tư pháp – Hộ tịch")
    dossier = services.request_supplement(dossier, actor=titled.specialist, items=["Bản sao giấy khai sinh"],
                                          now=at(2026, 3, 2, 14))
    _reader, text = pdf_text(forms_pdf.render_form("supplement_request", dossier))
    assert "Công chức Tư pháp – Hộ tịch" in text and "0213 3876 543" in text
    stopped = receive(titled, now=at(2026, 3, 3, 9))
    stopped = services.stop(stopped, actor=titled.clerk, reason="Công dân không còn nhu cầu", now=at(2026, 3, 3, 10))
    _reader, text = pdf_text(forms_pdf.render_form("stop_notice", stopped))
    assert "Công chức tiếp nhận và trả kết quả" in text


def test_the_fee_line_says_what_is_charged_and_whether_it_is_paid(titled):
    add_fees(titled.commune_proc)
    dossier = receive(titled, now=at(2026, 12, 1, 9))
    _reader, text = pdf_text(forms_pdf.render_form("receipt", dossier))
    assert "Lệ phí cấp Giấy xác nhận: 10.000 đồng; Phí thẩm định: 40.000 đồng — còn phải nộp 50.000 đồng" in text
    payment = payment_services.record_counter_payment(dossier, actor=titled.clerk, amount=50_000,
                                                      now=at(2026, 12, 1, 9, 30))
    _reader, text = pdf_text(forms_pdf.render_form("receipt", dossier))
    assert f"— đã nộp đủ, biên lai số {payment.receipt}." in text
    _reader, text = pdf_text(render_fee_receipt(payment))
    assert "Công chức tiếp nhận và trả kết quả" in text  # the collector's title under their name


def test_a_procedure_without_fee_lines_keeps_the_catalogs_wording(world):
    world.commune_proc.fee_amount, world.commune_proc.fee_note = None, "Mức lệ phí do HĐND tỉnh quyết định"
    world.commune_proc.save(update_fields=["fee_amount", "fee_note"])
    dossier = receive(world, now=at(2026, 3, 2, 9))
    _reader, text = pdf_text(forms_pdf.render_form("receipt", dossier))
    assert "6. Phí, lệ phí: Mức lệ phí do HĐND tỉnh quyết định" in text
