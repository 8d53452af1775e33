"""Online submission: files checked by content, nothing stored when refused, the dossier at the right counter."""
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from notifications.models import Notification
from notifications.sending import SECRET_MASK
from notifications.sms import LoggingSMSBackend
from workflows import codes, services, uploads
from workflows.access import work_items_for
from workflows.errors import InvalidInput
from workflows.flows import DossierFlow
from workflows.models import Dossier, DossierFile, WorkItem
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


def form_data(w, proc, **files):
    mandatory, optional = list(proc.documents.order_by("order"))
    data = {"agency": w.counter.pk, "name": "Nguyễn Văn An", "id_number": "012345678901",
            "phone": "0912345678", "email": "an@example.vn", "address": "Bình Lư"}
    data[f"doc_{mandatory.pk}"] = files.get("mandatory", SimpleUploadedFile("to-khai.pdf", PDF, "application/pdf"))
    if "optional" in files:
        data[f"doc_{optional.pk}"] = files["optional"]
    return data


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_good_submission_reaches_the_right_counter_and_the_citizen_gets_code_and_secret(
        client, world, online_proc, settings, django_capture_on_commit_callbacks):
    url = reverse("portal:submit", args=[online_proc.pk])
    assert client.get(url).status_code == 200
    photo = SimpleUploadedFile("anh giay to.PNG", PNG, "image/png")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form_data(world, online_proc, optional=photo))
    assert response.status_code == 200, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    secret = response.context["secret"]
    assert dossier.code in response.content.decode() and secret in response.content.decode()
    assert codes.secret_matches(secret, dossier.lookup_secret_hash)
    assert (dossier.status, dossier.channel) == (Status.SUBMITTED, "online")
    assert dossier.receiving_agency_id == world.counter.pk

    task = WorkItem.objects.get(process_id=dossier.process_id, status__in=["NEW", "ASSIGNED"], flow_task_type="HUMAN")
    assert (task.flow_task, task.agency_id, task.role) == (DossierFlow.review_submission, world.counter.pk, "clerk")
    assert task in work_items_for(world.clerk) and task not in work_items_for(world.other_clerk)

    files = list(DossierFile.objects.filter(dossier=dossier).order_by("original_name"))
    assert [(f.original_name, f.content_type) for f in files] == [
        ("anh giay to.PNG", "image/png"), ("to-khai.pdf", "application/pdf")]
    on_disk = stored_files(settings)
    assert len(on_disk) == 2 and all("to-khai" not in p.name and "anh" not in p.name for p in on_disk)
    assert uploads.path_of(files[1].stored_name).read_bytes() == PDF

    # The code and secret by e-mail (and SMS), recorded on the dossier.
    assert len(mail.outbox) == 1 and secret in mail.outbox[0].body and dossier.code in mail.outbox[0].subject
    assert set(Notification.objects.filter(dossier=dossier).values_list("channel", "status")) == {
        ("email", "sent"), ("sms", "sent")}
    assert secret in LoggingSMSBackend.outbox[0]["text"]
    # the record keeps the message with the secret masked, and nothing of it once sent
    for recorded in Notification.objects.filter(dossier=dossier):
        assert secret not in recorded.body and SECRET_MASK in recorded.body
        assert recorded.pending_secret == ""

    # The counter accepts it: the clock starts.
    dossier = services.accept_online(dossier, actor=world.clerk)
    assert dossier.status == Status.RECEIVED and dossier.due_at is not None


@pytest.mark.parametrize(("name", "content", "message"), [
    ("to-khai.docx", b"PK\x03\x04" + b"\x00" * 40, "chỉ chấp nhận tệp PDF, JPEG hoặc PNG"),
    ("to-khai.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, "không phải là tệp PDF, JPEG hoặc PNG hợp lệ"),
    ("to-khai.pdf", PDF + b"0" * 3000, "vượt quá dung lượng cho phép"),
    ("../../../etc/passwd", PDF, "chỉ chấp nhận tệp PDF, JPEG hoặc PNG"),
    ("to-khai.pdf", b"", "Tệp tải lên rỗng"),
], ids=["disallowed-type", "renamed-executable", "oversized", "path-traversal", "empty"])
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_stored(
        client, world, online_proc, settings, name, content, message):
    settings.UPLOAD_MAX_BYTES = 2048
    upload = SimpleUploadedFile(name, content, "application/pdf")
    response = client.post(reverse("portal:submit", args=[online_proc.pk]),
                           form_data(world, online_proc, mandatory=upload))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()
    assert stored_files(settings) == []


def test_a_name_that_tries_to_leave_its_folder_is_refused_before_anything_is_written():
    upload = SimpleUploadedFile("x.pdf", PDF, "application/pdf")
    for raw in ("../../evil.pdf", "..\\evil.pdf", "a/b.pdf", "evil\x00.pdf"):
        upload._name = raw  # as a non-HTTP caller could pass it (HTTP parsing already strips folders)
        with pytest.raises(InvalidInput):
            uploads.check(upload)


def test_a_failure_after_the_files_were_written_removes_them_with_the_dossier(
        client, world, online_proc, settings, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail queue unavailable")

    monkeypatch.setattr("onestop.portal.submit.notify_citizen", broken)
    with pytest.raises(RuntimeError):
        client.post(reverse("portal:submit", args=[online_proc.pk]), form_data(world, online_proc))
    assert not Dossier.objects.exists() and stored_files(settings) == []


def test_a_missing_mandatory_document_and_missing_contacts_are_form_errors(client, world, online_proc):
    data = form_data(world, online_proc)
    data.pop(next(k for k in data if k.startswith("doc_")))
    data["phone"] = data["email"] = ""
    response = client.post(reverse("portal:submit", args=[online_proc.pk]), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Cần ít nhất số điện thoại hoặc thư điện tử" in page
    assert not Dossier.objects.exists()


def test_a_procedure_not_offered_online_cannot_be_submitted(client, world):
    assert client.get(reverse("portal:submit", args=[world.commune_proc.pk])).status_code == 404
    assert world.commune_proc.name not in client.get(reverse("portal:submit_choose")).content.decode()


def test_only_the_counter_of_the_procedures_level_is_offered(client, world, online_proc):
    page = client.get(reverse("portal:submit", args=[online_proc.pk])).content.decode()
    assert world.counter.name in page and world.other_counter.name in page
    assert world.district_counter.name not in page and world.pc.name not in page


def test_staff_download_a_file_only_within_their_scope(client, world, online_proc):
    client.post(reverse("portal:submit", args=[online_proc.pk]), form_data(world, online_proc))
    file = DossierFile.objects.get()
    url = reverse("portal:file", args=[file.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(world.other_clerk)
    assert client.get(url).status_code == 404
    client.force_login(world.clerk)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


# --- PDFs that run code or carry files ----------------------------------------------------


def _pdf(*objects: bytes) -> bytes:
    body = b"".join(b"%d 0 obj\n%s\nendobj\n" % (n, o) for n, o in enumerate(objects, start=1))
    return b"%PDF-1.7\n" + body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _object_stream(inner: bytes) -> bytes:
    """An object stream (/ObjStm) holding `inner` as object 9, deflated: where a byte search misses it."""
    import zlib

    header = b"9 0 "
    packed = zlib.compress(header + inner)
    return b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        len(header), len(packed), packed)


def _pypdf(build) -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
SCRIPTED = {
    "pypdf-add-js": lambda: _pypdf(lambda w: w.add_js("app.alert('x');")),
    "open-action-js": lambda: _pdf(b"<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
    "escaped-name": lambda: _pdf(b"<< /Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >> >>"),
    "additional-actions": lambda: _pdf(CATALOG, b"<< /Type /Page /AA << /O 3 0 R >> >>"),
    "in-an-object-stream": lambda: _pdf(CATALOG, _object_stream(b"<< /S /JavaScript /JS (app.alert(1)) >>")),
    "after-a-short-length": lambda: _pdf(CATALOG, b"<< /Length 3 >>\nstream\nabc\n5 0 obj << /JS (x) >> endobj\n"
                                                  b"endstream"),
}
EMBEDDED = {
    "pypdf-attachment": lambda: _pypdf(lambda w: w.add_attachment("virus.exe", b"MZ")),
    "embedded-files": lambda: _pdf(b"<< /Type /Catalog /Names << /EmbeddedFiles 2 0 R >> >>"),
    "file-spec-in-an-object-stream": lambda: _pdf(CATALOG, _object_stream(b"<< /Type /Filespec /EF << /F 4 0 R >> >>")),
}
PLAIN = {
    "pypdf-blank": lambda: _pypdf(lambda w: None),
    "open-action-goto": lambda: _pdf(b"<< /Type /Catalog /OpenAction [3 0 R /Fit] >>"),
    "names-only-in-text": lambda: _pdf(b"<< /Title (Ghi ch\\) /JavaScript /JS) >>", b"% /AA in a comment\n<< >>",
                                       b"<< /Length 9 >>\nstream\n/JS /AA Do\nendstream"),
    "object-stream-plain": lambda: _pdf(CATALOG, _object_stream(b"<< /S /GoTo /D [3 0 R /Fit] >>")),
}


@pytest.mark.parametrize("build", SCRIPTED.values(), ids=SCRIPTED.keys())
def test_a_pdf_with_javascript_or_automatic_actions_is_refused_at_upload(
        client, world, online_proc, settings, build):
    upload = SimpleUploadedFile("to-khai.pdf", build(), "application/pdf")
    response = client.post(reverse("portal:submit", args=[online_proc.pk]),
                           form_data(world, online_proc, mandatory=upload))
    assert response.status_code == 400
    assert "chứa mã lệnh tự chạy" in response.content.decode()
    assert not Dossier.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize("build", EMBEDDED.values(), ids=EMBEDDED.keys())
def test_a_pdf_carrying_other_files_is_refused_at_upload(client, world, online_proc, settings, build):
    upload = SimpleUploadedFile("to-khai.pdf", build(), "application/pdf")
    response = client.post(reverse("portal:submit", args=[online_proc.pk]),
                           form_data(world, online_proc, mandatory=upload))
    assert response.status_code == 400
    assert "có tệp khác đính kèm bên trong" in response.content.decode()
    assert not Dossier.objects.exists() and stored_files(settings) == []


@pytest.mark.parametrize("build", PLAIN.values(), ids=PLAIN.keys())
def test_a_plain_pdf_is_accepted_whatever_its_text_says(build):
    checked = uploads.check(SimpleUploadedFile("to-khai.pdf", build(), "application/pdf"))
    assert checked.content_type == "application/pdf"


def test_an_object_stream_that_cannot_be_read_is_refused_rather_than_trusted():
    unreadable = _pdf(CATALOG, _object_stream(b"<< >>").replace(b"x\x9c", b"??"))  # not zlib (as if encrypted)
    with pytest.raises(InvalidInput, match="không kiểm tra được"):
        uploads.check(SimpleUploadedFile("to-khai.pdf", unreadable, "application/pdf"))
    bomb = _pdf(CATALOG, _object_stream(b"<< >>" + b" " * (uploads._INFLATE_LIMIT + 1)))
    assert len(bomb) < 100_000
    with pytest.raises(InvalidInput, match="không kiểm tra được"):
        uploads.check(SimpleUploadedFile("to-khai.pdf", bomb, "application/pdf"))
