"""Item 1: staff see what the citizen sent, and the clerk checks each document before accepting."""
import base64
import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from tests.counter.conftest import submit_online
from workflows.models import DossierEvent, DossierFile
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9aw"
                       "AAAABJRU5ErkJggg==")


def store(dossier, tmp_path, name, content, content_type, document=None):
    stored_name = f"{hashlib.sha256(name.encode()).hexdigest()[:16]}{'.pdf' if content == PDF else '.png'}"
    (tmp_path / stored_name).write_bytes(content)
    return DossierFile.objects.create(dossier=dossier, required_document=document, stored_name=stored_name,
                                      original_name=name, content_type=content_type, size=len(content),
                                      sha256=hashlib.sha256(content).hexdigest())


@pytest.fixture
def online(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dossier = submit_online(world)
    doc = world.commune_proc.documents.first()
    dossier.test_files = [store(dossier, tmp_path, "tờ khai.pdf", PDF, "application/pdf", doc),
                          store(dossier, tmp_path, "ảnh CCCD.png", PNG, "image/png")]
    return dossier


def file_url(app, dossier, file):
    return reverse(f"{app}:file", args=[dossier.pk, file.pk])


def test_the_counter_page_links_and_previews_every_document(clerk_client, online):
    pdf, png = online.test_files
    page = clerk_client.get(reverse("counter:dossier", args=[online.pk])).content.decode()
    assert f'<object data="{file_url("counter", online, pdf)}" type="application/pdf"' in page
    assert f'<img src="{file_url("counter", online, png)}" alt="ảnh CCCD.png"' in page
    assert f'href="{file_url("counter", online, pdf)}?download=1"' in page


def test_a_document_is_served_inline_and_fenced(clerk_client, online):
    pdf, png = online.test_files
    response = clerk_client.get(file_url("counter", online, pdf))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the page's own preview may frame it
    download = clerk_client.get(file_url("counter", online, png), {"download": 1})
    assert download["Content-Disposition"].startswith("attachment") and download["Content-Type"] == "image/png"


def test_documents_are_served_only_to_staff_who_see_the_dossier(client, world, online):
    pdf = online.test_files[0]
    client.force_login(world.other_clerk)
    assert client.get(file_url("counter", online, pdf)).status_code == 404
    # a file id of another dossier under this dossier's address
    client.force_login(world.clerk)
    other = submit_online(world, name="Lò Thị Mai")
    assert client.get(reverse("counter:file", args=[other.pk, pdf.pk])).status_code == 404
    anonymous = Client()
    assert anonymous.get(file_url("counter", online, pdf)).status_code == 302  # to the sign-in page


def test_the_desk_sees_the_documents_of_a_dossier_it_holds(client, world, online):
    from workflows import services

    pdf = online.test_files[0]
    client.force_login(world.specialist)
    assert client.get(file_url("desk", online, pdf)).status_code == 404  # not yet at the desk
    services.accept_online(online, actor=world.clerk)
    page = client.get(reverse("desk:dossier", args=[online.pk])).content.decode()
    assert file_url("desk", online, pdf) in page
    assert client.get(file_url("desk", online, pdf)).status_code == 200


def test_accepting_needs_every_document_checked_and_all_pass(clerk_client, online):
    pdf, png = online.test_files
    accept = reverse("counter:accept", args=[online.pk])
    page = clerk_client.get(reverse("counter:dossier", args=[online.pk])).content.decode()
    assert f'name="check_{pdf.pk}"' in page and f'name="check_{png.pk}"' in page
    unchecked = clerk_client.post(accept, {"version": online.event_count, f"check_{pdf.pk}": "pass"})
    assert unchecked.status_code == 400 and "Chưa kiểm tra tệp này" in unchecked.content.decode()
    failing = clerk_client.post(accept, {"version": online.event_count, f"check_{pdf.pk}": "pass",
                                         f"check_{png.pk}": "fail"})
    assert failing.status_code == 400 and "Chưa đạt: ảnh CCCD.png" in failing.content.decode()
    online.refresh_from_db()
    assert online.status == Status.SUBMITTED
    done = clerk_client.post(accept, {"version": online.event_count, f"check_{pdf.pk}": "pass",
                                      f"check_{png.pk}": "pass"})
    assert done.status_code == 302
    online.refresh_from_db()
    assert online.status == Status.RECEIVED
    event = DossierEvent.objects.get(dossier=online, action="accept_online")
    assert [(c["name"], c["result"]) for c in event.data["checks"]] == [("tờ khai.pdf", "pass"),
                                                                          ("ảnh CCCD.png", "pass")]
    timeline = clerk_client.get(reverse("counter:dossier", args=[online.pk])).content.decode()
    assert "tờ khai.pdf: <span class=\"pass\">đạt</span>" in timeline
