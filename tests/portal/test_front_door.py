"""The public front door, the staff's own sign-in address, the bookmarkable status page, and the
counter's reissue of a lost lookup secret (logged), used by `make run` to print a demo secret."""
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from demo.management.commands import demo_logins as demo_command
from onestop.counter.reissue import SESSION_REISSUED
from tests import factories as f
from tests.world import at
from workflows import codes, services
from workflows.errors import InvalidInput, PermissionDenied
from workflows.models import DossierEvent
from workflows.statuses import Status

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def _site_apps(settings):
    from tests.counter.conftest import install_site_apps

    install_site_apps(settings)


def test_the_front_door_is_public_names_the_province_and_offers_lookup_and_submission(client, world):
    client.force_login(world.clerk)  # even a clerk's browser: the same public page, no session read
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lai Châu" in page and "ỦY BAN NHÂN DÂN LAI CHÂU" in page
    assert f'action="{reverse("portal:index")}"' in page and 'name="secret"' in page
    assert reverse("portal:submit_choose") in page and reverse("staff_home") in page
    assert "Đăng xuất" not in page
    assert not response.wsgi_request.session.accessed
    assert django_settings.SESSION_COOKIE_NAME not in response.cookies


def test_staff_sign_in_at_their_own_address_and_land_on_their_screen(client, world):
    assert client.get(reverse("staff_home"))["Location"].startswith(reverse("login"))
    signed_in = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("staff_home")
    assert client.get(reverse("staff_home"))["Location"] == reverse("counter:index")


def test_the_status_page_after_the_post_is_a_bookmarkable_get(client, receipt):
    code, secret = receipt.dossier.code, receipt.secret
    posted = client.post(reverse("portal:index"), {"code": code, "secret": secret})
    assert posted.status_code == 303 and secret not in posted["Location"]
    again = client.get(posted["Location"])  # a reload or a bookmark, days later
    assert again.status_code == 200 and code in again.content.decode()
    assert "đánh dấu" in again.content.decode()
    forged = client.get(posted["Location"][:-3] + "abc")
    assert forged.status_code == 404


def test_the_status_page_shows_the_current_appointment_during_a_supplement(client, receipt, world):
    d = services.start_processing(receipt.dossier, actor=world.specialist, now=at(2026, 3, 2, 10))
    d = services.request_supplement(d, actor=world.specialist, items=["Bản sao sổ hộ khẩu"], now=at(2026, 3, 2, 14))
    page = client.post(reverse("portal:index"), {"code": d.code, "secret": receipt.secret}, follow=True)
    html = page.content.decode()
    assert "Ngày hẹn trả" in html and d.due_at.astimezone(at(2026, 1, 1).tzinfo).strftime("%d/%m/%Y") in html
    assert "ngày hẹn trả sẽ được hẹn lại khi nhận đủ hồ sơ bổ sung" in html


def test_a_reissued_secret_replaces_the_old_one_and_is_logged_with_its_hash(
        client, receipt, world, django_capture_on_commit_callbacks):
    old = receipt.secret
    bookmark = client.post(reverse("portal:index"), {"code": receipt.dossier.code, "secret": old})["Location"]
    assert client.get(bookmark).status_code == 200  # the snapshot is cached
    with django_capture_on_commit_callbacks(execute=True):  # the commit makes the cached snapshot stale
        new = services.reissue_secret(receipt.dossier, actor=world.clerk, id_checked_note="CCCD ********8901")
    assert new.secret != old and codes.secret_matches(new.secret, new.dossier.lookup_secret_hash)
    event = DossierEvent.objects.filter(dossier=receipt.dossier).order_by("-seq").first()
    assert (event.action, event.actor_id, event.note) == ("reissue_secret", world.clerk.pk, "CCCD ********8901")
    assert event.data == {"secret_hash": new.dossier.lookup_secret_hash} and new.secret not in str(event.data)
    assert client.post(reverse("portal:index"), {"code": receipt.dossier.code, "secret": old}).status_code == 404
    assert client.get(bookmark).status_code == 404  # the old secret's bookmark is void too
    assert client.post(reverse("portal:index"), {"code": receipt.dossier.code, "secret": new.secret},
                       follow=True).status_code == 200


def test_only_a_clerk_of_the_dossiers_counter_reissues_and_only_after_an_id_check(receipt, world):
    with pytest.raises(PermissionDenied):
        services.reissue_secret(receipt.dossier, actor=world.other_clerk, id_checked_note="CCCD")
    with pytest.raises(InvalidInput):
        services.reissue_secret(receipt.dossier, actor=world.clerk, id_checked_note="  ")


def test_the_counter_reissues_the_secret_after_matching_the_id_document(client, receipt, world):
    # (no lookup before: nothing cached, so no commit callback is needed for the new secret to work)
    client.force_login(world.clerk)
    url = reverse("counter:reissue_secret", args=[receipt.dossier.pk])
    detail = client.get(reverse("counter:dossier", args=[receipt.dossier.pk])).content.decode()
    assert url in detail
    form = client.get(url)
    assert form.status_code == 200 and "********8901" in form.content.decode()
    version = receipt.dossier.event_count
    wrong = client.post(url, {"version": version, "document_kind": "cccd", "document_number": "012345678999"})
    assert wrong.status_code == 400 and "không khớp" in wrong.content.decode()
    done = client.post(url, {"version": version, "document_kind": "cccd", "document_number": "0123 4567 8901"})
    assert done.status_code == 302
    shown = client.get(url).content.decode()
    secret = re.search(r'id="new-secret">([A-Z2-9]{8})<', shown).group(1)
    assert client.session.get(SESSION_REISSUED) is None  # shown once
    assert secret not in client.get(url).content.decode()
    event = DossierEvent.objects.filter(dossier=receipt.dossier, action="reissue_secret").get()
    assert event.note.endswith("********8901") and "Căn cước" in event.note
    client.logout()
    assert client.post(reverse("portal:index"), {"code": receipt.dossier.code, "secret": secret},
                       follow=True).status_code == 200


def test_another_counters_clerk_cannot_open_the_reissue_page(client, receipt, world):
    client.force_login(world.other_clerk)
    assert client.get(reverse("counter:reissue_secret", args=[receipt.dossier.pk])).status_code == 404


def test_make_run_prints_a_demo_dossiers_code_and_a_fresh_secret(world, capsys, monkeypatch):
    clerk = f.user("binhlu.clerk", "clerk", [world.counter])
    receipt = services.receive(
        actor=clerk, procedure=world.commune_proc, agency=world.counter,
        applicant=services.Applicant(name="Lò Thị Mai", id_number="011223344556"),
        document_ids=[d.pk for d in world.commune_proc.documents.filter(is_mandatory=True)],
    )
    d = services.start_processing(receipt.dossier, actor=world.specialist)
    services.request_supplement(d, actor=world.specialist, items=["Tờ khai"])
    call_command("demo_logins")
    out = capsys.readouterr().out
    code = re.search(r"code\s+(\S+)", out).group(1)
    secret = re.search(r"secret\s+([A-Z2-9]{8})", out).group(1)
    assert code == d.code
    d.refresh_from_db()
    assert d.status == Status.AWAITING_SUPPLEMENT and codes.secret_matches(secret, d.lookup_secret_hash)
    assert DossierEvent.objects.filter(dossier=d, action="reissue_secret", note=demo_command.DEMO_NOTE).exists()
    assert "/tra-cuu/?t=" in out


def test_demo_logins_without_a_demo_dossier_prints_only_the_logins(world, capsys):
    call_command("demo_logins")
    assert "secret" not in capsys.readouterr().out
