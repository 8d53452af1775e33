"""The counter's "Số hóa thành phần hồ sơ": digitise, reuse, exempt, through the screen (POST → redirect)."""
import pytest
from django.urls import reverse

from digitisation import rules
from digitisation.models import Component, Source
from tests.digitisation.helpers import digitise, mandatory, receive, scan
from workflows import audit
from workflows.models import DossierEvent, DossierFile

pytestmark = pytest.mark.django_db


def record_url(dossier, document):
    return reverse("digitisation:record", args=[dossier.pk, document.pk])


def post(client, dossier, document, **fields):
    data = {f"c{document.pk}-{key}": value for key, value in fields.items()}
    return client.post(record_url(dossier, document), data)


def test_a_paper_dossier_is_digitised_at_the_counter(clerk_client, world, settings):
    dossier = receive(world)
    doc = mandatory(world)
    page = clerk_client.get(reverse("counter:dossier", args=[dossier.pk]))
    assert "Số hóa thành phần hồ sơ" in page.content.decode()
    assert f'action="{record_url(dossier, doc)}"' in page.content.decode()
    assert not rules.is_digitised(dossier)

    response = post(clerk_client, dossier, doc, source="digitised", scan=scan("to-khai.pdf"), pages=3, originals=1,
                    copies=1, checked_counts="on", checked_complete="on", checked_order="on", checked_legible="on")

    assert response.status_code == 302
    assert response["Location"] == reverse("counter:dossier", args=[dossier.pk]) + "#so-hoa"
    row = Component.objects.get(dossier=dossier)
    assert (row.source, row.required_document, row.pages, row.originals, row.copies) == (
        Source.DIGITISED, doc, 3, 1, 1)
    assert row.checked_complete and row.checked_order and row.checked_legible and row.checked_counts
    assert row.actor == world.clerk and row.file.dossier_id == dossier.pk
    assert (settings.MEDIA_ROOT / row.file.stored_name).read_bytes().startswith(b"%PDF-")
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("action", flat=True).order_by("seq")) == [
        "receive", "attach_file", "digitise_component"]
    dossier.refresh_from_db()
    assert audit.verify_chain(dossier).ok
    assert rules.is_digitised(dossier)
    assert rules.Dossier.objects.filter(rules.digitised_q(), pk=dossier.pk).exists()
    shown = clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert "Số hóa tại Bộ phận Một cửa" in shown and "to-khai.pdf" in shown


def test_digitising_needs_every_confirmation_and_stores_nothing_without(clerk_client, world, settings):
    dossier = receive(world)
    doc = mandatory(world)
    response = post(clerk_client, dossier, doc, source="digitised", scan=scan(), pages=2, originals=1, copies=0,
                    checked_complete="on", checked_order="on")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Cần xác nhận bản số hóa" in body and "rõ nét, đọc được" in body
    assert not Component.objects.exists() and not DossierFile.objects.exists()
    assert not settings.MEDIA_ROOT.exists() or not any(p.is_file() for p in settings.MEDIA_ROOT.rglob("*"))


def test_a_scan_that_is_not_a_pdf_or_image_is_refused(clerk_client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = receive(world)
    doc = mandatory(world)
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")
    response = post(clerk_client, dossier, doc, source="digitised", scan=fake, pages=1, originals=1, copies=0,
                    checked_counts="on", checked_complete="on", checked_order="on", checked_legible="on")
    assert response.status_code == 400
    assert "không phải là tệp PDF, JPEG hoặc PNG" in response.content.decode()
    assert not Component.objects.exists()


def test_a_component_is_reused_from_an_earlier_dossier(clerk_client, world):
    earlier = receive(world, name="Lò Văn Sơn", id_number="011000000001")
    first = digitise(world, earlier)
    dossier = receive(world, name="Lò Văn Sơn", id_number="011000000001")
    doc = mandatory(world)

    page = clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert "Dùng lại giấy tờ đã có" in page and earlier.code in page

    files_before = DossierFile.objects.count()
    response = post(clerk_client, dossier, doc, source="reused", reused_file=first.file.pk)
    assert response.status_code == 302
    row = Component.objects.get(dossier=dossier)
    assert row.source == Source.REUSED and row.reused_file == first.file and row.file is None
    assert DossierFile.objects.count() == files_before  # no copy of the bytes
    assert DossierEvent.objects.filter(dossier=dossier, action="digitise_component",
                                       data__reused_file=first.file.pk).exists()
    assert rules.is_digitised(dossier)
    assert rules.Dossier.objects.filter(rules.with_reuse_q()).get() == dossier


def test_exemption_needs_a_listed_reason(clerk_client, world):
    dossier = receive(world)
    doc = mandatory(world)
    response = post(clerk_client, dossier, doc, source="exempt", exempt_reason="")
    assert response.status_code == 400
    assert "Cần chọn lý do miễn số hóa" in response.content.decode()
    assert post(clerk_client, dossier, doc, source="exempt", exempt_reason="because").status_code == 400
    assert not Component.objects.exists()

    response = post(clerk_client, dossier, doc, source="exempt", exempt_reason="shown_only")
    assert response.status_code == 302
    row = Component.objects.get(dossier=dossier)
    assert (row.source, row.exempt_reason) == (Source.EXEMPT, "shown_only")
    assert rules.is_digitised(dossier)


def test_a_component_is_recorded_once(clerk_client, world):
    dossier = receive(world)
    doc = mandatory(world)
    assert post(clerk_client, dossier, doc, source="data_store", data_store_ref="KHO-123").status_code == 302
    response = post(clerk_client, dossier, doc, source="exempt", exempt_reason="shown_only")
    assert response.status_code == 400
    assert "đã được ghi nhận số hóa" in response.content.decode()
    assert Component.objects.get(dossier=dossier).data_store_ref == "KHO-123"


def test_a_clerk_of_another_counter_gets_404(client, world):
    dossier = receive(world)
    client.force_login(world.other_clerk)
    response = post(client, dossier, mandatory(world), source="exempt", exempt_reason="shown_only")
    assert response.status_code == 404
    assert not Component.objects.exists()


def test_a_specialist_is_not_a_counter_clerk(client, world):
    dossier = receive(world)
    client.force_login(world.specialist)
    response = post(client, dossier, mandatory(world), source="exempt", exempt_reason="shown_only")
    assert response.status_code == 403
    assert not Component.objects.exists()


def test_a_component_of_another_procedure_is_404(clerk_client, world):
    dossier = receive(world)
    other = world.linked_proc.documents.first()
    response = post(clerk_client, dossier, other, source="exempt", exempt_reason="shown_only")
    assert response.status_code == 404


def test_an_online_dossiers_files_are_recorded_as_electronic(clerk_client, world, settings):
    from tests.counter.conftest import submit_online
    from workflows import services as workflow_services
    from workflows import uploads

    dossier = submit_online(world)
    doc = mandatory(world)
    file = workflow_services.attach_file(dossier, checked_file=uploads.check(scan("to-khai.pdf")),
                                         required_document=doc)
    dossier = workflow_services.accept_online(file.dossier, actor=world.clerk)
    page = clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert reverse("digitisation:record_electronic", args=[dossier.pk]) in page
    assert record_url(dossier, doc) not in page  # nothing to scan: the dossier is electronic

    response = clerk_client.post(reverse("digitisation:record_electronic", args=[dossier.pk]))
    assert response.status_code == 302
    row = Component.objects.get(dossier=dossier)
    assert row.source == Source.ELECTRONIC and row.file.original_name == "to-khai.pdf"
    assert clerk_client.post(reverse("digitisation:record_electronic", args=[dossier.pk])).status_code == 302
    assert Component.objects.filter(dossier=dossier).count() == 1  # recorded once
    assert rules.is_digitised(dossier)


def test_a_paper_outside_the_procedures_list_is_digitised_by_name(clerk_client, world):
    dossier = receive(world)
    url = reverse("digitisation:record_other", args=[dossier.pk])
    assert f'action="{url}"' in clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    fields = {"source": "digitised", "scan": scan(), "pages": 1, "originals": 0, "copies": 1,
              "checked_counts": "on", "checked_complete": "on", "checked_order": "on", "checked_legible": "on"}
    response = clerk_client.post(url, {f"other-{k}": v for k, v in fields.items()})
    assert response.status_code == 400 and "Cần ghi tên giấy tờ khác" in response.content.decode()
    fields.update(scan=scan(), document_name="Giấy xác nhận của trưởng bản")
    response = clerk_client.post(url, {f"other-{k}": v for k, v in fields.items()})
    assert response.status_code == 302
    row = Component.objects.get(dossier=dossier)
    assert (row.required_document, row.document_name, row.source) == (None, "Giấy xác nhận của trưởng bản",
                                                                      Source.DIGITISED)
    assert not rules.is_digitised(dossier)  # the mandatory component is still on paper only
