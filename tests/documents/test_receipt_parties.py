"""Mẫu 01 names who files for whom, the competent unit when another centre received the dossier,
where the result is returned, and both appointments of an inter-linked dossier."""
import pytest

from documents.layout import fmt_time_date
from documents.render import render_form
from tests import factories as f
from tests.documents.conftest import pdf_text
from tests.world import at
from workflows import services
from workflows.models import ApplicantCapacity

pytestmark = pytest.mark.django_db


def _docs(procedure):
    return [d.pk for d in procedure.documents.filter(is_mandatory=True)]


def test_a_receipt_for_another_commune_by_an_authorised_person(commune_b):
    w = commune_b
    applicant = services.Applicant(
        name="Lò Văn Thành", capacity=ApplicantCapacity.AUTHORISED, subject_name="Lò Thị Hiền",
        subject_id_number="011223344557", subject_address="bản Nà Khum, xã Bản Bo",
        authorisation="Giấy ủy quyền số 12/UQ ngày 20/02/2026",
    )
    d = services.receive(actor=w.clerk, procedure=w.commune_proc, agency=w.counter, applicant=applicant,
                         document_ids=_docs(w.commune_proc), competent_unit=w.other_commune,
                         return_agency=w.other_counter, now=at(2026, 3, 2, 9)).dossier
    _, text = pdf_text(render_form("receipt", d))
    assert "Bộ phận Một cửa xã Bình Lư tiếp nhận hồ sơ của" in text
    assert "Đơn vị có thẩm quyền giải quyết: Bản Bo" in text
    assert "người được ủy quyền của: Lò Thị Hiền" in text and "Giấy ủy quyền số 12/UQ" in text
    assert "Đăng ký nhận kết quả tại: Bộ phận Một cửa xã Bản Bo" in text


def test_an_own_receipt_names_no_other_unit_nor_representative(world):
    d = services.receive(actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
                         applicant=services.Applicant(name="Nguyễn Văn An"), document_ids=_docs(world.commune_proc),
                         now=at(2026, 3, 2, 9)).dossier
    _, text = pdf_text(render_form("receipt", d))
    assert "Đơn vị có thẩm quyền giải quyết" not in text and "tư cách" not in text
    assert "Hẹn hoàn thành tại đơn vị tiếp nhận" not in text


def test_an_interlinked_receipt_prints_both_appointments(world):
    d = services.receive(actor=world.clerk, procedure=world.linked_proc, agency=world.counter,
                         applicant=services.Applicant(name="Nguyễn Văn An"), document_ids=_docs(world.linked_proc),
                         now=at(2026, 3, 2, 9)).dossier
    _, text = pdf_text(render_form("receipt", d))
    assert d.receiving_unit_due_at < d.due_at
    assert f"Hẹn hoàn thành tại đơn vị tiếp nhận hồ sơ: {fmt_time_date(d.receiving_unit_due_at)}" in text
    assert f"hẹn trả kết quả (toàn bộ quy trình liên thông): {fmt_time_date(d.due_at)}" in text


def test_six_documents_a_representative_and_another_unit_still_fit_one_a5_sheet(commune_b):
    w = commune_b
    # names as long as the catalog's (e.g. "Giấy chứng sinh; nếu không có thì văn bản của người làm chứng…")
    names = [f"Giấy tờ số {n}: bản sao có chứng thực hoặc bản chụp kèm bản chính" for n in range(1, 7)]
    proc = f.procedure(code="1.000999", name="Thủ tục có sáu thành phần hồ sơ", level_code="commune",
                       boundless_receipt=True, steps=[("Thẩm định", 0, "justice", "specialist", 100)],
                       documents=[(name, True) for name in names])
    applicant = services.Applicant(
        name="Lò Văn Thành", id_number="011223344556", phone="0987654321", address="bản Nà Khum, xã Bình Lư",
        capacity=ApplicantCapacity.LEGAL_REPRESENTATIVE, subject_name="Hợp tác xã Nông nghiệp Bình Lư",
        subject_id_number="6200123456", subject_address="xã Bình Lư, tỉnh Lai Châu")
    d = services.receive(actor=w.clerk, procedure=proc, agency=w.counter, applicant=applicant,
                         document_ids=_docs(proc), competent_unit=w.other_commune, now=at(2026, 3, 2, 9)).dossier
    reader, text = pdf_text(render_form("receipt", d, secret="ABCDEFGH"))
    assert len(reader.pages) == 1
    assert "Giấy tờ số 6" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
