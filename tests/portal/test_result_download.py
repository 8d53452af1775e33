"""The citizen downloads the electronic result behind the lookup secret; a changed file is never served."""
import hashlib
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from onestop.portal.views import status_token
from tests.signing.conftest import keys, signing_on  # noqa: F401 -- the session's demo CA
from tests.signing.test_forms import assert_pades_and_trusted
from tests.world import at
from workflows import services, uploads
from workflows.codes import make_lookup_token
from workflows.models import DossierFile, FileKind

pytestmark = pytest.mark.django_db

URL = reverse("portal:index")


def granted(receipt, w):
    d = services.complete_step(receipt.dossier, actor=w.specialist, now=at(2026, 3, 2, 14))
    return services.decide(d, actor=w.leader, outcome="granted", now=at(2026, 3, 3, 10))


def status_page(client, receipt):
    return client.post(URL, {"code": receipt.dossier.code, "secret": receipt.secret}, follow=True)


def download_link(page) -> str:
    found = re.search(r'id="result-download" href="([^"]+)"', page.content.decode())
    assert found, "no download link on the status page"
    return found.group(1).replace("&amp;", "&")


def test_the_citizen_downloads_the_signed_result_with_the_secret(signing_on, client, receipt, world, frozen_now):  # noqa: F811
    dossier = granted(receipt, world)
    page = status_page(client, receipt)
    assert page.status_code == 200 and "Kết quả điện tử" in page.content.decode()
    response = client.get(download_link(page))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    assert hashlib.sha256(data).hexdigest() == result.sha256 == dossier.events.get(action="decide").data["result"][
        "sha256"]
    assert_pades_and_trusted(data, signing_on, frozen_now, count=2)


def test_a_wrong_or_forged_token_gets_not_found(client, receipt, world):
    granted(receipt, world)
    result_url = reverse("portal:result")
    other_secret = status_token(receipt.dossier.code, "not-the-secret-hash")  # signed, for another secret
    qr_token = make_lookup_token(receipt.dossier.code)  # the QR link's token proves no secret
    for query in ({"s": other_secret}, {"s": "garbage"}, {}, {"s": qr_token}):
        response = client.get(result_url, query)
        assert response.status_code == 404, query
        assert "Không tìm thấy hồ sơ" in response.content.decode()


def test_a_reissued_secret_voids_the_old_download_link(client, receipt, world):
    granted(receipt, world)
    link = download_link(status_page(client, receipt))
    dossier = services.reissue_secret(receipt.dossier, actor=world.clerk, id_checked_note="CCCD đối chiếu").dossier
    assert dossier.pk and client.get(link).status_code == 404


def test_the_qr_link_shows_no_download(client, receipt, world):
    granted(receipt, world)
    page = client.get(URL, {"t": make_lookup_token(receipt.dossier.code)})
    assert page.status_code == 200 and 'id="result-download"' not in page.content.decode()


def test_no_link_before_a_result_exists_and_none_for_a_denial(client, receipt, world):
    assert 'id="result-download"' not in status_page(client, receipt).content.decode()
    d = services.complete_step(receipt.dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    services.decide(d, actor=world.leader, outcome="denied", reasons="Không đủ điều kiện", now=at(2026, 3, 3, 10))
    assert 'id="result-download"' not in status_page(client, receipt).content.decode()


def test_a_tampered_result_is_not_served(client, receipt, world, settings, caplog):
    dossier = granted(receipt, world)
    link = download_link(status_page(client, receipt))
    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    path = Path(uploads.path_of(result.stored_name))
    changed = bytearray(path.read_bytes())
    changed[len(changed) // 2] ^= 0x01  # one bit anywhere
    path.write_bytes(bytes(changed))
    response = client.get(link)
    assert response.status_code == 410 and b"%PDF" not in response.content
    assert "không còn khớp" in response.content.decode()
    assert any("does not match its recorded sha256" in r.getMessage() for r in caplog.records)


def test_the_decision_message_says_the_result_can_be_downloaded(client, receipt, world,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = granted(receipt, world)
    event = dossier.events.get(action="decide")
    bodies = set(Notification.objects.filter(event=event).values_list("body", flat=True))
    assert len(bodies) == 1 and len(mail.outbox) >= 1
    [body] = bodies
    code = DossierFile.objects.get(kind=FileKind.RESULT).result_code
    assert code in body and "tải kết quả" in body and "Bản giấy" not in body
    assert receipt.secret not in body  # the download needs the secret: the message never carries it


def test_the_message_mentions_paper_when_it_was_asked(client, applicant, world, django_capture_on_commit_callbacks):
    proc = world.commune_proc
    paper = services.receive(actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
                             document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)],
                             paper_result=True, now=at(2026, 3, 2, 9))
    assert paper.dossier.paper_result and paper.dossier.events.get(action="receive").data["paper_result"] is True
    with django_capture_on_commit_callbacks(execute=True):
        dossier = granted(paper, world)
    [body] = set(Notification.objects.filter(event=dossier.events.get(action="decide")).values_list("body", flat=True))
    assert "Bản giấy" in body and dossier.return_agency.name in body
