"""The two sets of forms, chosen by the dossier's legal frame: TT 01/2018 (six forms) for dossiers
received before 1 July 2025, TT 03/2025 (seven, with the stop notice) from that day."""
import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from reportlab.lib.pagesizes import A5

from documents import render as documents
from documents.render import FORM_KINDS, FORMS, render_form, render_tracking_book
from onestop.screens.views import FORM_LABELS
from tests.documents.conftest import pdf_text
from tests.world import at, receive
from workflows import services
from workflows.errors import TransitionNotAllowed
from workflows.frames import FRAME_2018, FRAME_2025

pytestmark = pytest.mark.django_db

OLD_DAY, NEW_DAY = (2025, 6, 30), (2025, 7, 1)  # the last day of NĐ 61/2018, the first of NĐ 118/2025

# The sets as the circulars number and title them (upper case, as printed).
SET_2018 = {
    "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    "supplement_request": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    "apology": ("04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
    "control_slip": ("05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
}
SET_2025 = {
    "receipt": ("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
    "supplement_request": ("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
    "refusal": ("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
    "apology": ("04", "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
    "stop_notice": ("05", "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
    "control_slip": ("06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
}
BASIS_2018, BASIS_2025 = "Theo Thông tư số 01/2018/TT-VPCP", "Theo Thông tư số 03/2025/TT-VPCP"


def _every_form(world, y, m, d):
    """Two dossiers received on one day that between them have every form of the 2018 set: one
    extended and asked for a supplement (receipt, 02, 04, control slip), one refused (03)."""
    dossier = receive(world, now=at(y, m, d, 9))
    dossier = services.extend(dossier, actor=world.clerk, new_due_at=at(y, m, d, 16) + dt.timedelta(days=10),
                              reason="Cần xác minh thông tin tại xã khác", now=at(y, m, d, 15))
    dossier = services.request_supplement(dossier, actor=world.specialist, items=["Bản sao Căn cước"],
                                          reason="Thiếu giấy tờ", now=at(y, m, d, 16))
    refused = services.refuse_at_counter(
        actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An"), reasons="Không thuộc thẩm quyền", now=at(y, m, d, 10))
    return dossier, refused


def _stopped(world, channel="postal", reason="Tôi đã được giải quyết ở nơi khác, không cần tiếp tục"):
    dossier = services.start_processing(receive(world, now=at(*NEW_DAY, 9)), actor=world.specialist,
                                        now=at(*NEW_DAY, 10))
    return services.stop(dossier, actor=world.clerk, reason=reason, channel=channel, now=at(2025, 7, 3, 14, 30))


@pytest.mark.parametrize(("day", "expected", "basis", "other_basis"), [
    (OLD_DAY, SET_2018, BASIS_2018, BASIS_2025),
    (NEW_DAY, SET_2025, BASIS_2025, BASIS_2018),
])
def test_the_same_procedure_prints_the_set_of_the_day_it_was_received(world, day, expected, basis, other_basis):
    dossier, refused = _every_form(world, *day)
    assert dossier.procedure == refused.procedure == world.commune_proc
    printed = {}
    for d in (dossier, refused):
        for kind in documents.applicable_kinds(d):
            _reader, text = pdf_text(render_form(kind, d))
            number, title = expected[kind]
            assert title in text, kind
            assert f"Mẫu số {number} ({basis})" in text, kind
            assert other_basis not in text, kind
            assert documents.filename(kind, d) == f"mau-{number}-{d.code}.pdf"
            printed[kind] = number
    assert printed == {kind: number for kind, (number, _title) in expected.items() if kind != "stop_notice"}


def test_the_apology_says_what_its_circular_says(world):
    old, _ = _every_form(world, *OLD_DAY)
    new, _ = _every_form(world, *NEW_DAY)
    _r, old_text = pdf_text(render_form("apology", old))
    _r, new_text = pdf_text(render_form("apology", new))
    assert "hẹn trả kết quả giải quyết hồ sơ vào" in old_text and "gia hạn" not in old_text
    assert "đề nghị gia hạn thời gian giải quyết hồ sơ" in new_text and "Người lập văn bản" in new_text
    # NĐ 61's article on the restarting limit is cited only under NĐ 61.
    assert "Điều 19 NĐ 61/2018" in pdf_text(render_form("supplement_request", old))[1]
    new_supplement = pdf_text(render_form("supplement_request", new))[1]
    assert "tính lại từ đầu" in new_supplement and "NĐ 61/2018" not in new_supplement


def test_the_tracking_book_is_mau_06_until_june_2025_and_mau_07_from_july(world):
    old = receive(world, now=at(*OLD_DAY, 9))
    new = receive(world, now=at(*NEW_DAY, 9))
    _r, june = pdf_text(render_tracking_book(world.counter, dt.date(2025, 6, 1), dt.date(2025, 6, 30)))
    _r, july = pdf_text(render_tracking_book(world.counter, dt.date(2025, 7, 1), dt.date(2025, 7, 31)))
    assert "SỔ THEO DÕI HỒ SƠ" in june and f"Mẫu số 06 ({BASIS_2018})" in june and old.code in june
    assert "SỔ THEO DÕI HỒ SƠ" in july and f"Mẫu số 07 ({BASIS_2025})" in july and new.code in july
    assert documents.tracking_book_form(dt.date(2025, 6, 30)).number == "06"
    assert documents.tracking_book_form(dt.date(2025, 7, 1)).number == "07"


def test_the_tables_keep_the_kinds_and_only_the_2025_set_has_the_stop_notice():
    assert set(FORMS[FRAME_2025.key]) == {*FORM_KINDS, documents.TRACKING_BOOK}
    assert set(FORMS[FRAME_2018.key]) == set(FORMS[FRAME_2025.key]) - {"stop_notice"}
    assert [FORMS["2018"][k].number for k in (*SET_2018, "tracking_book")] == ["01", "02", "03", "04", "05", "06"]
    assert [FORMS["2025"][k].number for k in (*SET_2025, "tracking_book")] == [
        "01", "02", "03", "04", "05", "06", "07"]


def test_the_stop_notice_gives_the_reason_the_channel_and_the_article_on_one_a5_page(world):
    dossier = _stopped(world)
    reader, text = pdf_text(render_form("stop_notice", dossier))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A5[0]) < 1 and abs(float(box.height) - A5[1]) < 1
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and f"Mẫu số 05 ({BASIS_2025})" in text
    assert dossier.code in text and "Nguyễn Văn An" in text and "Cấp Giấy xác nhận tình trạng hôn nhân" in text
    assert "BỘ PHẬN MỘT CỬA XÃ BÌNH LƯ" in text  # issued by the receiving counter
    assert "Ngày tiếp nhận hồ sơ: 09 giờ 00 phút, ngày 01/07/2025" in text
    assert "Ngày đề nghị dừng giải quyết: 03/07/2025" in text
    assert "Qua dịch vụ bưu chính" in text
    assert "Tôi đã được giải quyết ở nơi khác, không cần tiếp tục" in text
    assert "Điều 21 Nghị định số 118/2025/NĐ-CP" in text and "Điều 7 Thông tư số 03/2025/TT-VPCP" in text
    assert "dừng giải quyết hồ sơ nêu trên theo đề nghị của Ông/Bà kể từ 14 giờ 30 phút, ngày 03/07/2025" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "clerk" in text  # the clerk who recorded the request


@pytest.mark.parametrize(("channel", "label"), [("counter", "Trực tiếp tại Bộ phận Một cửa"),
                                                ("online", "Trực tuyến trên Cổng Dịch vụ công quốc gia")])
def test_the_stop_notice_names_each_channel(world, channel, label):
    _reader, text = pdf_text(render_form("stop_notice", _stopped(world, channel=channel)))
    assert f"hình thức đề nghị: {label}" in text


def test_a_dossier_that_is_not_stopped_has_no_stop_notice(world):
    running = receive(world, now=at(*NEW_DAY, 9))
    assert "stop_notice" not in documents.applicable_kinds(running)
    with pytest.raises(TransitionNotAllowed) as caught:
        render_form("stop_notice", running)
    assert caught.value.http_status == 409 and "dừng giải quyết" in str(caught.value.message)
    # A 2018 dossier, withdrawn (its frame's way to end early): no stop notice in its set.
    withdrawn = services.withdraw(receive(world, now=at(*OLD_DAY, 9)), actor=world.clerk, reason="Rút",
                                  now=at(*NEW_DAY, 10))
    assert "stop_notice" not in documents.applicable_kinds(withdrawn)
    with pytest.raises(TransitionNotAllowed):
        render_form("stop_notice", withdrawn)


def test_a_stopped_dossier_offers_the_stop_notice_beside_its_other_forms(world):
    dossier = _stopped(world)
    assert documents.applicable_kinds(dossier) == ["receipt", "stop_notice", "control_slip"]
    for kind in documents.applicable_kinds(dossier):
        render_form(kind, dossier)  # each listed kind renders


def test_the_admin_links_name_the_forms_of_the_dossiers_set(client, django_user_model, world):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    stopped = _stopped(world)
    old = receive(world, now=at(*OLD_DAY, 9))
    page = client.get(reverse("admin:workflows_dossier_change", args=[stopped.pk])).content.decode()
    assert reverse("admin:workflows_dossier_form", args=[stopped.pk, "stop_notice"]) in page
    assert "Mẫu 05 – Thông báo dừng giải quyết hồ sơ" in page
    assert "Mẫu 06 – Phiếu kiểm soát quá trình giải quyết hồ sơ" in page
    assert "Mẫu 07 – Sổ theo dõi hồ sơ tháng 07/2025" in page
    old_page = client.get(reverse("admin:workflows_dossier_change", args=[old.pk])).content.decode()
    assert "Mẫu 05 – Phiếu kiểm soát quá trình giải quyết hồ sơ" in old_page
    assert "Mẫu 06 – Sổ theo dõi hồ sơ tháng 06/2025" in old_page
    response = client.get(reverse("admin:workflows_dossier_form", args=[stopped.pk, "stop_notice"]))
    assert response.status_code == 200 and f"mau-05-{stopped.code}.pdf" in response["Content-Disposition"]


def test_the_staff_screens_list_every_kind_under_its_2025_title():
    assert tuple(FORM_LABELS) == FORM_KINDS
    with translation.override("vi"):
        assert str(FORM_LABELS["stop_notice"]) == "Thông báo dừng giải quyết hồ sơ"
        assert str(FORM_LABELS["apology"]) == "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"


def test_the_counter_prints_the_stop_notice_of_a_stopped_dossier(client, world):
    dossier = _stopped(world)
    client.force_login(world.clerk)
    page = client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert reverse("counter:form", args=[dossier.pk, "stop_notice"]) in page
    response = client.get(reverse("counter:form", args=[dossier.pk, "stop_notice"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in pdf_text(response.content)[1]
