"""Online submission as done on a phone: spaces in the phone number, the files kept across a
validation error (staged server-side, never in the session), the office picker (units and
agencies in force, grouped by unit), the confirmation page, and the online supplement."""
import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from onestop.portal import staging
from onestop.portal.forms import normalise_phone
from tests import factories as f
from workflows import services
from workflows.models import Dossier, DossierEvent, DossierFile
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def online_proc(world):
    proc = world.commune_proc
    proc.online_level = "partial"
    proc.save()
    return proc


def docs(proc):
    return list(proc.documents.order_by("order"))


def form_data(w, proc, *, phone="0912 345 678", mandatory=True, optional=False, **extra):
    first, second = docs(proc)
    data = {"agency": w.counter.pk, "name": "Nguyễn Văn An", "id_number": "012345678901",
            "phone": phone, "email": "", "address": "Bình Lư", **extra}
    if mandatory:
        data[f"doc_{first.pk}"] = SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf")
    if optional:
        data[f"doc_{second.pk}"] = SimpleUploadedFile("anh.png", PNG, "image/png")
    return data


def files_under(folder):
    root = Path(django_settings.MEDIA_ROOT) / folder
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def staged_token(response):
    found = re.search(r'name="staged" value="([^"]+)"', response.content.decode())
    return found.group(1) if found else None


@pytest.mark.parametrize(("typed", "stored"), [
    ("0912 345 678", "0912345678"), ("0912.345.678", "0912345678"), ("0912-345-678", "0912345678"),
    ("+84 912 345 678", "0912345678"), (" 0203 3876 543 ", "02033876543"),
])
def test_a_phone_number_typed_with_spaces_dots_or_dashes_is_accepted_as_digits(
        client, world, online_proc, typed, stored):
    response = client.post(reverse("portal:submit", args=[online_proc.pk]), form_data(world, online_proc, phone=typed))
    assert response.status_code == 200, response.content.decode()[:3000]
    assert Dossier.objects.get().applicant_phone == stored
    assert normalise_phone(typed) == stored


def test_a_phone_number_that_is_not_one_is_still_refused(client, world, online_proc):
    url = reverse("portal:submit", args=[online_proc.pk])
    response = client.post(url, form_data(world, online_proc, phone="12 34"))
    assert response.status_code == 400 and "Số điện thoại không hợp lệ" in response.content.decode()


def test_the_files_are_kept_across_a_validation_error_and_used_by_the_corrected_submission(
        client, world, online_proc):
    url = reverse("portal:submit", args=[online_proc.pk])
    refused = client.post(url, form_data(world, online_proc, optional=True, id_number="123"))
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Số định danh gồm 12 chữ số" in page and "Đã tải lên: to-khai.pdf" in page and "Đã tải lên: anh.png" in page
    token = staged_token(refused)
    assert token and not Dossier.objects.exists() and not files_under("dossiers")
    assert len([p for p in files_under(staging._FOLDER) if p.name != "batch.json"]) == 2
    assert django_settings.SESSION_COOKIE_NAME not in refused.cookies  # nothing in a session

    # The corrected form carries no file: the staged ones are used, then the staging batch is gone.
    fixed = form_data(world, online_proc, mandatory=False, staged=token)
    done = client.post(url, fixed)
    assert done.status_code == 200, done.content.decode()[:3000]
    dossier = Dossier.objects.get()
    stored = sorted(DossierFile.objects.filter(dossier=dossier).values_list("original_name", flat=True))
    assert stored == ["anh.png", "to-khai.pdf"]
    assert len(files_under("dossiers")) == 2 and not files_under(staging._FOLDER)


def test_a_new_file_replaces_the_staged_one_and_a_bad_one_is_never_staged(client, world, online_proc):
    url = reverse("portal:submit", args=[online_proc.pk])
    first, _second = docs(online_proc)
    bad = form_data(world, online_proc, mandatory=False)
    bad[f"doc_{first.pk}"] = SimpleUploadedFile("to-khai.pdf", b"MZ" + b"\x00" * 40, "application/pdf")
    refused = client.post(url, bad)
    assert refused.status_code == 400 and staged_token(refused) is None and not files_under("")

    once = client.post(url, form_data(world, online_proc, id_number="1"))
    again = form_data(world, online_proc, mandatory=False, id_number="2", staged=staged_token(once))
    again[f"doc_{first.pk}"] = SimpleUploadedFile("to-khai-moi.pdf", PDF + b"%new", "application/pdf")
    twice = client.post(url, again)
    assert "Đã tải lên: to-khai-moi.pdf" in twice.content.decode()
    assert len([p for p in files_under(staging._FOLDER) if p.name != "batch.json"]) == 1


def test_a_forged_or_another_procedures_staging_token_is_ignored(client, world, online_proc):
    url = reverse("portal:submit", args=[online_proc.pk])
    token = staged_token(client.post(url, form_data(world, online_proc, id_number="1")))
    other = f.procedure(code="9.999", name="Thủ tục khác", level_code="commune", online_level="partial",
                        documents=[("Đơn", True)])
    elsewhere = client.post(reverse("portal:submit", args=[other.pk]),
                            {**form_data(world, online_proc, mandatory=False), "staged": token})
    assert elsewhere.status_code == 400 and "Cần đính kèm giấy tờ này" in elsewhere.content.decode()
    forged = client.post(url, {**form_data(world, online_proc, mandatory=False), "staged": token[:-2] + "xx"})
    assert forged.status_code == 400 and "Cần đính kèm giấy tờ này" in forged.content.decode()


def test_staged_files_older_than_their_lifetime_are_swept_and_their_token_expires(
        client, world, online_proc, clock):
    url = reverse("portal:submit", args=[online_proc.pk])
    token = staged_token(client.post(url, form_data(world, online_proc, id_number="1")))
    assert files_under(staging._FOLDER)
    clock.shift(dt.timedelta(seconds=staging.STAGING_SECONDS + 60))
    late = client.post(url, {**form_data(world, online_proc, mandatory=False), "staged": token})
    assert late.status_code == 400 and "Cần đính kèm giấy tờ này" in late.content.decode()
    assert staging.sweep() == 1 and not files_under(staging._FOLDER)


def test_the_office_picker_offers_units_and_counters_in_force_grouped_by_unit(client, world, online_proc):
    point = f.agency(world.commune, "one_stop", "Điểm tiếp nhận Sơn Bình – xã Bình Lư", parent=world.counter,
                     address="Trụ sở xã Sơn Bình cũ")
    f.agency(world.commune, "one_stop", "Bộ phận Một cửa đã giải thể", valid_to=dt.date(2025, 7, 1))
    ended = f.unit("Xã Cũ", "commune", parent=world.district, valid_to=dt.date(2025, 7, 1))
    f.agency(ended, "one_stop", "Bộ phận Một cửa xã Cũ")
    page = client.get(reverse("portal:submit", args=[online_proc.pk])).content.decode()
    select = page[page.index('<select name="agency"'):page.index("</select>", page.index('<select name="agency"'))]
    assert 'optgroup label="Bình Lư"' in select and 'optgroup label="Bản Bo"' in select
    assert select.index("Bộ phận Một cửa xã Bình Lư") < select.index(point.name)
    assert "giải thể" not in select and "xã Cũ" not in select
    assert "huyện Tam Đường" not in select  # another level's counter


def test_the_confirmation_page_gives_code_secret_office_address_and_what_happens_next(client, world, online_proc):
    world.counter.address = "Tổ 1, xã Bình Lư, tỉnh Lai Châu"
    world.counter.phone = "0213 3876 543"
    world.counter.save()
    response = client.post(reverse("portal:submit", args=[online_proc.pk]), form_data(world, online_proc))
    page = response.content.decode()
    dossier = Dossier.objects.get()
    assert dossier.code in page and response.context["secret"] in page
    for text in ("Bộ phận Một cửa xã Bình Lư", "Tổ 1, xã Bình Lư, tỉnh Lai Châu", "0213 3876 543",
                 "Các bước tiếp theo", "kiểm tra hồ sơ trong ngày làm việc", "to-khai.pdf",
                 "Mã bí mật chỉ hiển thị một lần"):
        assert text in page, text
    assert not response.wsgi_request.session.accessed


# --- the online supplement --------------------------------------------------------------------------


@pytest.fixture
def awaiting(client, world, online_proc):
    """An online dossier, accepted, whose specialist asked for a supplement; and its secret."""
    response = client.post(reverse("portal:submit", args=[online_proc.pk]), form_data(world, online_proc))
    dossier, secret = Dossier.objects.get(), response.context["secret"]
    dossier = services.accept_online(dossier, actor=world.clerk)
    dossier = services.start_processing(dossier, actor=world.specialist)
    dossier = services.request_supplement(dossier, actor=world.specialist, items=["Bản sao giấy khai sinh"])
    return dossier, secret


def status_page(client, dossier, secret):
    posted = client.post(reverse("portal:index"), {"code": dossier.code, "secret": secret})
    assert posted.status_code == 303
    return client.get(posted["Location"]), posted["Location"]


def test_the_applicant_of_an_online_dossier_uploads_the_supplement_and_the_counter_records_it(
        client, world, awaiting, django_capture_on_commit_callbacks):
    dossier, secret = awaiting
    page, location = status_page(client, dossier, secret)
    html = page.content.decode()
    assert "Nộp bổ sung hồ sơ trực tuyến" in html and "Bản sao giấy khai sinh" in html
    assert "ngày hẹn trả sẽ được hẹn lại" in html  # the appointment shown, and what becomes of it
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    upload = SimpleUploadedFile("khai-sinh.pdf", PDF, "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(reverse("portal:supplement"), {"token": token, "files": [upload]})
    assert sent.status_code == 303 and sent["Location"] == location
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event.action == "attach_file" and event.actor_id is None and event.data["name"] == "khai-sinh.pdf"
    after = client.get(location).content.decode()
    assert "Đã gửi 1 tệp bổ sung" in after and "khai-sinh.pdf" in after

    dossier = services.supplement_received(Dossier.objects.get(pk=dossier.pk), actor=world.clerk)
    assert dossier.status == Status.PROCESSING
    assert "Nộp bổ sung hồ sơ trực tuyến" not in client.get(location).content.decode()


def test_a_bad_supplement_file_stores_nothing(client, awaiting):
    dossier, secret = awaiting
    page, _location = status_page(client, dossier, secret)
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    good = SimpleUploadedFile("a.pdf", PDF, "application/pdf")
    bad = SimpleUploadedFile("b.pdf", b"MZ" + b"\x00" * 30, "application/pdf")
    response = client.post(reverse("portal:supplement"), {"token": token, "files": [good, bad]})
    assert response.status_code == 400 and "không phải là tệp PDF" in response.content.decode()
    assert DossierFile.objects.filter(dossier=dossier).count() == 1  # the submission's own file only


def test_the_qr_link_and_a_counter_dossier_offer_no_upload_and_a_qr_token_cannot_upload(client, world, awaiting):
    from workflows.codes import make_lookup_token

    dossier, _secret = awaiting
    qr = client.get(reverse("portal:index"), {"t": make_lookup_token(dossier.code)}).content.decode()
    assert "Bản sao giấy khai sinh" in qr and "Nộp bổ sung hồ sơ trực tuyến" not in qr
    upload = SimpleUploadedFile("x.pdf", PDF, "application/pdf")
    refused = client.post(reverse("portal:supplement"), {"token": make_lookup_token(dossier.code), "files": [upload]})
    assert refused.status_code == 404

    counter = services.receive(actor=world.clerk, procedure=world.commune_proc, agency=world.counter,
                               applicant=services.Applicant(name="Lò Văn Bình", id_number="012345678902"),
                               document_ids=[docs(world.commune_proc)[0].pk])
    d = services.start_processing(counter.dossier, actor=world.specialist)
    services.request_supplement(d, actor=world.specialist, items=["Tờ khai"])
    page, _location = status_page(client, d, counter.secret)
    assert "Tờ khai" in page.content.decode() and "Nộp bổ sung hồ sơ trực tuyến" not in page.content.decode()
