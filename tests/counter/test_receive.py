"""Receiving a dossier at the counter: find the procedure, check the documents, preview, confirm."""
import pytest
from django.urls import reverse
from django.utils import timezone

from procedures.calendar import load_calendar
from tests import factories as f
from tests.documents.conftest import pdf_text
from workflows.deadlines import legal_deadline
from workflows.models import CounterGuidance, Dossier
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def receive_url(procedure):
    return reverse("counter:receive", args=[procedure.pk])


def applicant_data(w, procedure=None, *, documents=None, action="preview", **extra):
    procedure = procedure or w.commune_proc
    if documents is None:
        documents = [d.pk for d in procedure.documents.filter(is_mandatory=True)]
    return {"agency": w.counter.pk, "applicant_name": "Lò Thị Mai", "id_number": "011223344556",
            "phone": "0987654321", "documents": documents, "action": action, **extra}


@pytest.fixture
def birth(world):
    return f.procedure(code="1.001193", name="Đăng ký khai sinh", field=f.field("Hộ tịch"), level_code="commune")


def test_the_search_finds_a_procedure_without_accents(clerk_client, birth):
    response = clerk_client.get(reverse("counter:receive_search"), {"q": "khai sinh"})
    assert response.status_code == 200
    assert "Đăng ký khai sinh" in response.content.decode()
    shouted = clerk_client.get(reverse("counter:receive_search"), {"q": "DANG KY khai"})
    assert "Đăng ký khai sinh" in shouted.content.decode()


def test_the_search_finds_by_code_and_by_field(clerk_client, world, birth):
    by_code = clerk_client.get(reverse("counter:receive_search"), {"q": "1.001193"}).content.decode()
    assert "Đăng ký khai sinh" in by_code and "tình trạng hôn nhân" not in by_code
    by_field = clerk_client.get(reverse("counter:receive_search"), {"q": "ho tich"}).content.decode()
    assert "Đăng ký khai sinh" in by_field and "tình trạng hôn nhân" in by_field


def test_the_search_only_offers_procedures_of_the_counters_level(clerk_client, world):
    f.procedure(name="Cấp giấy phép xây dựng khai thác", level_code="district")
    page = clerk_client.get(reverse("counter:receive_search"), {"q": "giay phep xay dung"}).content.decode()
    assert "Cấp giấy phép xây dựng" not in page
    assert "Không tìm thấy thủ tục" in page


def test_the_receive_form_lists_the_checklist_with_the_name_focused(clerk_client, world):
    page = clerk_client.get(receive_url(world.commune_proc)).content.decode()
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân *" in page
    assert 'name="applicant_name" autofocus' in page


def test_an_unknown_procedure_is_not_found(clerk_client):
    assert clerk_client.get(reverse("counter:receive", args=[999999])).status_code == 404


def test_a_procedure_of_another_level_is_not_found(clerk_client, world):
    district_proc = f.procedure(level_code="district")
    assert clerk_client.get(receive_url(district_proc)).status_code == 404


def test_the_preview_shows_the_appointment_before_anything_is_recorded(clerk_client, world, frozen_now):
    cal = load_calendar(world.commune.pk)
    response = clerk_client.post(receive_url(world.commune_proc), applicant_data(world))
    assert response.status_code == 200
    page = response.content.decode()
    # The clock is stopped: the preview is the legal deadline of a receipt at this very instant.
    assert response.context["preview_due_at"] == legal_deadline(world.commune_proc, cal, frozen_now).due_at
    assert timezone.localtime(response.context["preview_due_at"]).strftime("%H:%M %d/%m/%Y") in page
    assert 'value="confirm"' in page and "Lò Thị Mai" in page
    assert not Dossier.objects.exists()


def test_a_missing_mandatory_document_is_refused_with_its_name(clerk_client, world):
    response = clerk_client.post(receive_url(world.commune_proc), applicant_data(world, documents=[], action="confirm"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Thiếu thành phần hồ sơ bắt buộc" in page and "Tờ khai cấp Giấy xác nhận" in page
    assert "Lò Thị Mai" in page  # the input is kept
    assert not Dossier.objects.exists()


def test_a_document_of_another_procedure_is_rejected(clerk_client, world):
    foreign = world.linked_proc.documents.first()
    data = applicant_data(world, documents=[*[d.pk for d in world.commune_proc.documents.all()], foreign.pk])
    assert clerk_client.post(receive_url(world.commune_proc), data).status_code == 400


def test_confirming_receives_the_dossier_and_opens_the_receipt_with_the_secret(clerk_client, world, fake_documents):
    response = clerk_client.post(receive_url(world.commune_proc), applicant_data(world, action="confirm"))
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.applicant_name == "Lò Thị Mai"
    assert response.status_code == 302 and response["Location"] == reverse("counter:receipt", args=[dossier.pk])
    receipt = clerk_client.get(response["Location"])
    secret = receipt.context["secret"]
    assert secret and secret in receipt.content.decode() and dossier.code in receipt.content.decode()
    assert reverse("counter:form", args=[dossier.pk, "receipt"]) in receipt.content.decode()

    first = clerk_client.get(reverse("counter:form", args=[dossier.pk, "receipt"]))
    again = clerk_client.get(reverse("counter:form", args=[dossier.pk, "receipt"]))
    assert first.status_code == again.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert fake_documents == [("receipt", dossier.pk, secret), ("receipt", dossier.pk, None)]
    assert clerk_client.get(reverse("counter:receipt", args=[dossier.pk])).context["secret"] is None


def test_refusing_at_the_counter_needs_reasons_and_records_them(clerk_client, world):
    url = receive_url(world.commune_proc)
    missing = clerk_client.post(url, applicant_data(world, documents=[], action="refuse"))
    assert missing.status_code == 400 and "Cần nêu rõ lý do từ chối" in missing.content.decode()
    response = clerk_client.post(url, applicant_data(world, documents=[], action="refuse",
                                                     reasons="Không thuộc thẩm quyền của xã"))
    dossier = Dossier.objects.get()
    assert dossier.status == Status.REFUSED and dossier.outcome_reasons == "Không thuộc thẩm quyền của xã"
    assert response["Location"] == reverse("counter:dossier", args=[dossier.pk])
    page = clerk_client.get(response["Location"]).content.decode()
    assert reverse("counter:form", args=[dossier.pk, "refusal"]) in page


def test_the_supplement_guidance_is_recorded_and_printed_as_form_02(clerk_client, world, client):
    response = clerk_client.post(receive_url(world.commune_proc),
                                 applicant_data(world, documents=[], action="guidance", reasons="Mang bản chính"))
    guidance = CounterGuidance.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("counter:guidance", args=[guidance.pk])
    assert guidance.items == ["Tờ khai cấp Giấy xác nhận tình trạng hôn nhân"] and guidance.note == "Mang bản chính"
    assert (guidance.applicant_id_number, guidance.actor) == ("011223344556", world.clerk)
    assert guidance.agency == world.counter
    page = clerk_client.get(response["Location"]).content.decode()
    assert "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in page
    pdf = clerk_client.get(reverse("counter:guidance_pdf", args=[guidance.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    _, text = pdf_text(pdf.content)
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in text.upper() and "Mẫu số 02" in text
    assert "Lò Thị Mai" in text and "Tờ khai cấp Giấy xác nhận tình trạng hôn nhân" in text
    assert not Dossier.objects.exists()
    client.force_login(world.other_clerk)  # another counter's clerk
    assert client.get(reverse("counter:guidance_pdf", args=[guidance.pk])).status_code == 404


def test_a_guidance_with_nothing_to_add_is_refused(clerk_client, world):
    docs = [d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)]
    response = clerk_client.post(receive_url(world.commune_proc),
                                 applicant_data(world, documents=docs, action="guidance"))
    assert response.status_code == 400 and "Cần liệt kê" in response.content.decode()
    assert not CounterGuidance.objects.exists()


def test_an_unknown_action_is_a_bad_request(clerk_client, world):
    response = clerk_client.post(receive_url(world.commune_proc), applicant_data(world, action="explode"))
    assert response.status_code == 400


def test_a_procedure_without_a_time_limit_cannot_be_previewed(clerk_client, world):
    proc = f.procedure(level_code="commune", time_limit_unit="unspecified")
    response = clerk_client.post(receive_url(proc), applicant_data(world, proc))
    assert response.status_code == 400 and "chưa có thời hạn giải quyết" in response.content.decode()


def test_a_specialist_cannot_use_the_counter(client, world):
    client.force_login(world.specialist)
    assert client.get(reverse("counter:index")).status_code == 403
    assert client.get(receive_url(world.commune_proc)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_the_login(client, world):
    response = client.get(reverse("counter:receive_search"))
    assert response.status_code == 302 and reverse("login") in response["Location"]
