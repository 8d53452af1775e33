"""The pull of portal dossiers against the simulator process: received once, acknowledged, bad items
refused with their reason and nothing stored, an outage changes nothing."""
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from portal_intake.models import InboundCursor, InboundLog, InboundOutcome, PortalDossier
from portal_intake.pull import pull_new_dossiers
from portal_intake.tasks import pull_portal_dossiers
from workflows.models import Dossier, DossierFile
from workflows.statuses import Status

from .conftest import PDF, item, new_code

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def cursor():
    return InboundCursor.objects.get(name="hoso_moi").cursor


def test_a_portal_dossier_is_received_attached_and_acknowledged(online_world, portal, frozen_now):
    code = new_code()
    portal.queue(item(code, online_world))
    with CaptureQueriesContext(connection) as queries:
        summary = pull_new_dossiers()
    assert (summary.received, summary.duplicates, summary.rejected, summary.acked) == (1, 0, 0, 1)
    # About 35 today: the services' own (submit, one file, the message) and the intake's few.
    assert len(queries) <= 45, len(queries)
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.channel, dossier.receiving_agency, dossier.procedure) == (
        Status.SUBMITTED, "online", online_world.counter, online_world.commune_proc)
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.vneid_verified) == (
        "Lò Văn Thành", "012345678901", True)
    file = DossierFile.objects.get(dossier=dossier)
    assert (file.original_name, file.required_document.order, file.size) == ("to-khai.pdf", 1, len(PDF))
    row = PortalDossier.objects.get(portal_code=code)
    assert row.dossier == dossier and row.received_at == frozen_now and row.acked_at == frozen_now
    assert portal.state()["acks"][code] == [dossier.code]
    assert list(InboundLog.objects.values_list("portal_code", "outcome")) == [(code, InboundOutcome.RECEIVED)]
    assert cursor() == str(int(portal.start) + 1)
    # Nothing new: the next pull reads one empty page and writes nothing.
    with CaptureQueriesContext(connection) as queries:
        again = pull_new_dossiers()
    assert (again.received, again.duplicates, again.pages) == (0, 0, 1)
    assert len(queries) <= 3, [q["sql"] for q in queries]


def test_a_page_served_twice_and_an_item_queued_twice_make_one_dossier(online_world, portal):
    code = new_code()
    portal.queue(item(code, online_world))
    portal.queue(item(code, online_world))
    portal.mode(duplicate_next=1)
    summary = pull_new_dossiers()
    assert summary.received == 1 and summary.duplicates == 3  # the page (A, A) was served twice
    assert Dossier.objects.count() == 1 and PortalDossier.objects.count() == 1
    assert InboundLog.objects.filter(outcome=InboundOutcome.DUPLICATE).count() == 3
    assert portal.state()["acks"][code] == [Dossier.objects.get().code]  # re-acked, recorded once
    # A duplicate costs a few queries: no mapping, no file fetched, nothing written but its log.
    InboundCursor.objects.update(cursor=portal.start)
    with CaptureQueriesContext(connection) as queries:
        replay = pull_new_dossiers()
    assert (replay.received, replay.duplicates) == (0, 2)
    assert len(queries) <= 2 + 2 * 3 + 1, [q["sql"] for q in queries]
    assert Dossier.objects.count() == 1


def test_a_file_with_a_wrong_hash_is_refused_and_nothing_is_stored(online_world, portal, settings):
    bad, good = new_code(), new_code()
    docs = item(bad, online_world)["TaiLieuNop"]
    docs[0]["Sha256"] = "0" * 64
    portal.queue(item(bad, online_world, TaiLieuNop=docs))
    portal.queue(item(good, online_world))
    before = stored_files(settings)
    summary = pull_new_dossiers()
    assert (summary.received, summary.rejected) == (1, 1)
    log = InboundLog.objects.get(portal_code=bad)
    assert log.outcome == InboundOutcome.REJECTED and "Sha256" in log.reason and "to-khai.pdf" in log.reason
    assert not PortalDossier.objects.filter(portal_code=bad).exists()
    assert Dossier.objects.count() == 1 and DossierFile.objects.count() == 1  # the good one only
    assert len(stored_files(settings)) == len(before) + 1
    assert bad not in portal.state()["acks"]
    assert cursor() == str(int(portal.start) + 2)  # the bad item does not block the cursor


def test_an_unknown_procedure_is_refused_with_the_reason(online_world, portal):
    code = new_code()
    portal.queue(item(code, online_world, MaTTHC="9.999999"))
    summary = pull_new_dossiers()
    assert (summary.received, summary.rejected) == (0, 1)
    log = InboundLog.objects.get(portal_code=code)
    assert log.outcome == InboundOutcome.REJECTED
    assert "9.999999" in log.reason and "danh mục thủ tục" in log.reason
    assert log.payload["MaTTHC"] == "9.999999"
    assert not Dossier.objects.exists()
    assert cursor() == str(int(portal.start) + 1)


def test_an_unknown_counter_and_a_procedure_not_offered_online_are_refused(world, portal):
    unknown_counter, not_online = new_code(), new_code()
    portal.queue(item(unknown_counter, world, MaDonVi="000.99.99.H29"))
    portal.queue(item(not_online, world))  # commune_proc's online level is "none" here
    summary = pull_new_dossiers()
    assert (summary.received, summary.rejected) == (0, 2)
    reasons = dict(InboundLog.objects.values_list("portal_code", "reason"))
    assert "000.99.99.H29" in reasons[unknown_counter]
    assert "trực tuyến" in reasons[not_online]
    assert not Dossier.objects.exists() and not DossierFile.objects.exists()


def test_portal_down_changes_nothing_and_the_next_pull_gets_it(online_world, portal):
    code = new_code()
    portal.queue(item(code, online_world))
    portal.mode(down=True)
    summary = pull_new_dossiers()
    assert summary.unavailable and summary.received == 0
    assert cursor() == portal.start
    assert not Dossier.objects.exists() and not InboundLog.objects.exists()
    portal.mode(down=False)
    summary = pull_new_dossiers()
    assert summary.received == 1 and not summary.unavailable
    assert PortalDossier.objects.get().portal_code == code


def test_a_lost_acknowledgement_is_sent_again_at_the_next_pull(online_world, portal):
    code = new_code()
    portal.queue(item(code, online_world))
    portal.mode(fail_ack=1)
    first = pull_new_dossiers()
    assert first.received == 1 and first.unavailable
    row = PortalDossier.objects.get()
    assert row.acked_at is None and code not in portal.state()["acks"]
    assert cursor() == portal.start  # the page is read again: its item is a duplicate and re-acked
    second = pull_new_dossiers()
    row.refresh_from_db()
    assert row.acked_at is not None and second.duplicates == 1
    assert portal.state()["acks"][code] == [row.dossier.code]
    assert Dossier.objects.count() == 1


def test_an_authorised_person_files_for_the_owner(online_world, portal):
    code = new_code()
    portal.queue(item(code, online_world, UyQuyen=True, NguoiNopHoSo="Nguyễn Thị Hoa",
                      VanBanUyQuyen="Giấy ủy quyền số 12 ngày 01/12/2026", TaiKhoanDuocXacThucVoiVNeID=False))
    assert pull_new_dossiers().received == 1
    dossier = Dossier.objects.get()
    assert (dossier.applicant_name, dossier.subject_name, dossier.applicant_capacity, dossier.vneid_verified) == (
        "Nguyễn Thị Hoa", "Lò Văn Thành", "authorised", False)


def test_the_task_is_a_no_op_without_a_portal(settings, db):
    settings.PORTAL_URL = ""
    assert pull_portal_dossiers.delay().get()["skipped"] is True
    assert not InboundCursor.objects.exists()


def test_the_command_and_the_task_pull(online_world, portal, capsys):
    code = new_code()
    portal.queue(item(code, online_world))
    call_command("portal_pull")
    assert "received=1" in capsys.readouterr().out
    portal.queue(item(new_code(), online_world))
    assert pull_portal_dossiers.delay().get()["received"] == 1
    assert PortalDossier.objects.count() == 2


def test_a_file_the_portal_cannot_serve_stops_the_pull_with_nothing_stored(online_world, portal, settings):
    first, second = new_code(), new_code()
    portal.queue(item(first, online_world))
    portal.queue(item(second, online_world))
    portal.mode(fail_file=2)  # the first item's file, then again at the next pull
    before = stored_files(settings)
    summary = pull_new_dossiers()
    assert summary.unavailable and (summary.received, summary.rejected) == (0, 0)
    assert not Dossier.objects.exists() and not InboundLog.objects.exists()
    assert stored_files(settings) == before and cursor() == portal.start
    assert pull_new_dossiers().unavailable
    summary = pull_new_dossiers()
    assert summary.received == 2 and cursor() == str(int(portal.start) + 2)


def test_the_beat_runs_the_pull_and_the_reconciliation():
    from onestop.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {"portal_intake.tasks.pull_portal_dossiers", "portal_intake.tasks.reconcile_portal"} <= tasks
    assert {"portal_intake.tasks.pull_portal_dossiers", "portal_intake.tasks.reconcile_portal"} <= set(app.tasks)
