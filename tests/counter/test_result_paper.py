"""The paper-or-electronic choice at receipt, and the result at the counter's return."""
import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from tests.counter.test_receive import applicant_data, receive_url
from tests.world import at
from workflows import services, uploads
from workflows.models import Dossier, DossierFile, FileKind

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path, clock):
    clock.move_to(at(2026, 3, 2, 9))  # the counter receives on a working morning; the steps follow
    settings.MEDIA_ROOT = tmp_path / "uploads"
    return Path(settings.MEDIA_ROOT)


def received_at_counter(clerk_client, world, **extra) -> Dossier:
    response = clerk_client.post(receive_url(world.commune_proc), applicant_data(world, action="confirm", **extra))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.get()


def to_return(world, dossier) -> Dossier:
    d = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    return services.decide(d, actor=world.leader, outcome="granted", now=at(2026, 3, 3, 10))


def test_the_receive_form_offers_paper_and_defaults_to_electronic(clerk_client, world):
    page = clerk_client.get(receive_url(world.commune_proc)).content.decode()
    assert 'name="paper_result"' in page and "nhận kết quả bản giấy" in page
    assert not received_at_counter(clerk_client, world).paper_result


def test_paper_asked_at_receipt_shows_the_print_action_at_return(clerk_client, world):
    dossier = to_return(world, received_at_counter(clerk_client, world, paper_result="on"))
    assert dossier.paper_result
    page = clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    assert 'id="print-result"' in page and "In bản giấy" in page
    assert reverse("counter:file", args=[dossier.pk, result.pk]) in page
    printed = clerk_client.get(reverse("counter:file", args=[dossier.pk, result.pk]))
    assert printed.status_code == 200 and printed["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(printed.streaming_content)).hexdigest() == result.sha256


def test_electronic_only_shows_no_print_action_but_the_result_and_its_verdict(clerk_client, world):
    dossier = to_return(world, received_at_counter(clerk_client, world))
    page = clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    assert 'id="print-result"' not in page
    assert "Kết quả giải quyết điện tử" in page and result.result_code in page
    assert 'data-verdict="unsigned"' in page  # no keys configured: stored unsigned, said so
    # The result is not among the documents the citizen sent.
    assert "Tệp công dân đã gửi" not in page


def test_a_tampered_stored_file_is_refused_on_the_staff_screen(clerk_client, world, caplog):
    dossier = to_return(world, received_at_counter(clerk_client, world))
    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    path = uploads.path_of(result.stored_name)
    path.write_bytes(path.read_bytes() + b"\n% appended after signing\n")
    response = clerk_client.get(reverse("counter:file", args=[dossier.pk, result.pk]))
    assert response.status_code == 410 and b"%PDF" not in response.content
    assert any("does not match its recorded sha256" in r.getMessage() for r in caplog.records)
    page = clerk_client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert 'data-verdict="modified"' in page
