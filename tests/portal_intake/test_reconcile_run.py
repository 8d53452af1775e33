"""The reconciliation against the simulator: a hand-built set sorted into the three lists, stored,
shown to supervisors."""
import datetime as dt
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal_intake.models import ReconciliationRun
from portal_intake.reconcile import default_day, fetch_portal, our_dossiers, run_reconciliation
from portal_intake.tasks import reconcile_portal
from portal_sync import dataset
from portal_sync.client import PortalClient
from portal_sync.models import DossierSync
from portal_sync.simulator import DEFAULT_SECRET, DEFAULT_TOKEN
from tests import factories as f
from tests.world import at, receive

pytestmark = pytest.mark.django_db


def post_record(portal, code, hoso):
    answer = portal.client.post_json("/api/dongbo/hoso", {
        "IdempotencyKey": f"{code}:1", "MaHoSo": code, "Seq": 1, "SuKien": "receive", "HoSo": hoso})
    assert answer["status"] == "ok"


def acked(dossier, when):
    DossierSync.objects.create(dossier=dossier, first_acked_at=when, last_acked_at=when)


# The simulator's records are the session's and our dossier codes repeat from test to test (each
# test's database starts empty): each test builds its set on a day of its own.
DAYS = {"lists": dt.date(2026, 7, 14), "pages": dt.date(2026, 8, 11), "screen": dt.date(2026, 9, 15)}


@pytest.fixture
def hand_built(world, portal, request):
    """A synced and equal, B never synced, C synced but changed since, D acknowledged yet missing on
    the portal, Z the portal's alone; E received the day after (out of range)."""
    day = DAYS[request.param]
    a, b, c, d = (receive(world, now=at(day.year, day.month, day.day, 8 + i), name=n) for i, n in enumerate("ABCD"))
    after = day + dt.timedelta(days=1)
    e = receive(world, now=at(after.year, after.month, after.day, 9))
    for dossier in (a, c, d, e):
        acked(dossier, at(day.year, day.month, day.day, 16))
    post_record(portal, a.code, dataset.hoso(a))
    changed = {**dataset.hoso(c), "TrangThaiHoSo": "9"}
    post_record(portal, c.code, changed)
    zz = f"ZZ-{uuid.uuid4().hex[:10]}"
    post_record(portal, zz, {"MaHoSo": zz, "NgayTiepNhan": f"{day:%Y%m%d}100000", "TrangThaiHoSo": "2"})
    return dict(day=day, a=a, b=b, c=c, d=d, e=e, zz=zz)


@pytest.mark.parametrize("hand_built", ["lists"], indirect=True)
def test_a_hand_built_set_falls_into_the_three_lists(hand_built, portal, django_assert_max_num_queries):
    h = hand_built
    run = run_reconciliation(h["day"], h["day"])
    assert run.error == "" and run.finished_at is not None
    assert run.not_synced == sorted([h["b"].code, h["d"].code])
    assert run.different == [h["c"].code]
    assert run.unknown_to_us == [h["zz"]]
    assert (run.ours_count, run.portal_count) == (4, 3)
    assert ReconciliationRun.objects.get() == run
    # Our side reads the dossiers once; only acknowledged ones get a snapshot.
    seen = []
    with django_assert_max_num_queries(1):
        ours = our_dossiers(h["day"], h["day"], snapshot=lambda d: seen.append(d.code) or "x")
    assert sorted(seen) == sorted([h["a"].code, h["c"].code, h["d"].code])
    assert ours[h["b"].code] == (False, "")


@pytest.mark.parametrize("hand_built", ["pages"], indirect=True)
def test_the_fetch_reads_every_page(hand_built, portal, monkeypatch):
    monkeypatch.setattr("portal_intake.reconcile.PAGE_SIZE", 1)
    found = fetch_portal(portal.client, hand_built["day"], hand_built["day"])
    assert set(found) == {hand_built["a"].code, hand_built["c"].code, hand_built["zz"]}
    assert all(len(h) == 64 for h in found.values())


def test_portal_unreachable_stores_the_error_and_raises_nothing(world, portal, settings):
    receive(world, now=at(2026, 7, 20, 9))
    nobody = PortalClient("http://127.0.0.1:9", DEFAULT_TOKEN, DEFAULT_SECRET, 2)  # the discard port: refused
    run = run_reconciliation(dt.date(2026, 7, 20), dt.date(2026, 7, 20), client=nobody)
    assert run.error.startswith("Cổng không trả lời") and run.finished_at is None
    assert (run.not_synced, run.different, run.unknown_to_us, run.ours_count) == ([], [], [], 0)
    settings.PORTAL_SECRET = "wrong"  # a 401: the portal refuses; the task stores it, the command says so
    assert reconcile_portal.delay("2026-07-20").get()["error"]
    with pytest.raises(CommandError, match="401"):
        call_command("portal_reconcile", "--day", "2026-07-20")
    assert ReconciliationRun.objects.count() == 3


def test_command_task_and_default_day(world, portal, capsys, frozen_now):
    assert default_day() == frozen_now.date() - dt.timedelta(days=1)
    call_command("portal_reconcile", "--day", "2026-07-21")
    out = capsys.readouterr().out
    assert "Chưa đồng bộ: 0" in out and "ours=0" in out
    assert reconcile_portal.delay("2026-07-21").get()["not_synced"] == 0
    assert ReconciliationRun.objects.count() == 2


def test_no_portal_no_run(settings, db):
    settings.PORTAL_URL = ""
    assert reconcile_portal.delay().get() == {"skipped": True}
    assert not ReconciliationRun.objects.exists()


@pytest.mark.parametrize("hand_built", ["screen"], indirect=True)
def test_supervisors_see_the_last_run_within_their_reach(client, hand_built, world):
    h = hand_built
    run_reconciliation(h["day"], h["day"])
    url = reverse("oversight:reconciliation")
    client.force_login(world.clerk)
    assert client.get(url).status_code == 403
    client.force_login(world.supervisor)  # the district's supervisor: our codes, not the portal's alone
    page = client.get(url).content.decode()
    assert "Chưa đồng bộ" in page and "Đồng bộ có sai khác" in page and "Cổng có, hệ thống không có" in page
    assert h["b"].code in page and h["c"].code in page and h["zz"] not in page
    admin = f.user("root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert h["zz"] in client.get(url).content.decode()


def test_dossiers_delivered_by_the_outbox_reconcile_clean(world, portal, settings, clock):
    """End to end: the outbox sends each event's snapshot, the reconciliation finds our current
    snapshot equal to the portal's last one; a change not yet delivered shows as a difference."""
    from portal_sync import delivery
    from workflows import services

    settings.PORTAL_SYNC_ENABLED = True
    clock.move_to(at(2026, 10, 13, 9))
    dossier = receive(world, now=at(2026, 10, 13, 9))
    clock.move_to(at(2026, 10, 13, 10))
    assert delivery.deliver_dossier(dossier.pk).sent >= 1
    run = run_reconciliation(dt.date(2026, 10, 13), dt.date(2026, 10, 13))
    assert (run.not_synced, run.different, run.unknown_to_us) == ([], [], [])
    services.complete_step(dossier, actor=world.specialist, now=at(2026, 10, 13, 11))
    run = run_reconciliation(dt.date(2026, 10, 13), dt.date(2026, 10, 13))
    assert run.different == [dossier.code]
    clock.move_to(at(2026, 10, 13, 12))
    delivery.deliver_dossier(dossier.pk)
    assert run_reconciliation(dt.date(2026, 10, 13), dt.date(2026, 10, 13)).different == []
