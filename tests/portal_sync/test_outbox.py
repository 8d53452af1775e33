"""The outbox against the real simulator process: every event of a dossier reaches the portal once
and in order, through failures, an hour of outage, lost answers and refusals."""
import datetime as dt
import json
from urllib.request import Request, urlopen

import pytest
from django.db import transaction

from portal_sync import delivery
from portal_sync.models import DossierSync, RecordState, SyncRecord, SyncState
from portal_sync.protocol import sign
from portal_sync.simulator import DEFAULT_SECRET, DEFAULT_TOKEN, running_simulator
from tests.world import at, receive
from workflows import services
from workflows.models import DossierEvent
from workflows.statuses import NATIONAL_STATUS_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(settings):
    """A fresh simulator process per test (its memory is the portal's database), linked in settings."""
    with running_simulator(hang=1.0) as url:
        settings.PORTAL_URL, settings.PORTAL_TOKEN, settings.PORTAL_SECRET = url, DEFAULT_TOKEN, DEFAULT_SECRET
        settings.PORTAL_SYNC_ENABLED = True
        settings.PORTAL_TIMEOUT_SECONDS = 5
        yield url


def sim(url, method, path, body=None):
    data = json.dumps(body).encode() if body is not None else b""
    request = Request(url + path, data=data if method == "POST" else None, method=method, headers={
        "Authorization": f"Bearer {DEFAULT_TOKEN}", "X-Signature": sign(DEFAULT_SECRET, method, path, data)})
    with urlopen(request, timeout=5) as response:
        return json.loads(response.read())


def accepted(url, code):
    return sim(url, "GET", "/_sim/state")["records"].get(code, [])


def lifecycle(w, clock, *, deliver=None, commit=None):
    """Receipt, a step, the decision and the return, hours apart. `commit(call)` runs each service call
    as its own transaction; `deliver()` runs after each."""
    commit = commit or (lambda call: call())
    steps = [
        (at(2026, 3, 2, 9), lambda d: receive(w)),
        (at(2026, 3, 2, 14), lambda d: services.complete_step(d, actor=w.specialist)),
        (at(2026, 3, 3, 9), lambda d: services.decide(d, actor=w.leader, outcome="granted")),
        (at(2026, 3, 3, 10), lambda d: services.return_result(d, actor=w.clerk, collected_by="Nguyễn Văn An")),
    ]
    dossier = None
    for instant, call in steps:
        clock.move_to(instant)
        dossier = commit(lambda call=call, d=dossier: call(d))
        if deliver:
            deliver()
    return dossier


def test_every_event_of_a_lifecycle_arrives_once_and_in_order(world, clock, portal,
                                                              django_capture_on_commit_callbacks):
    def commit(call):
        with django_capture_on_commit_callbacks(execute=True):  # the task queued on commit sends
            return call()

    dossier = lifecycle(world, clock, commit=commit)

    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values_list("seq", "action"))
    held = accepted(portal, dossier.code)
    assert [(r["Seq"], r["SuKien"]) for r in held] == events
    assert [r["IdempotencyKey"] for r in held] == [f"{dossier.code}:{seq}" for seq, _ in events]
    state = sim(portal, "GET", "/_sim/state")
    assert (state["duplicates"], state["out_of_order"]) == (0, 0)
    # Each record describes the dossier as of its event (the status it left), the last one the whole story.
    statuses = dict(DossierEvent.objects.filter(dossier=dossier).values_list("seq", "to_status"))
    assert [r["HoSo"]["TrangThaiHoSo"] for r in held] == [NATIONAL_STATUS_CODE[statuses[r["Seq"]]] for r in held]
    first, last = held[0]["HoSo"], held[-1]["HoSo"]
    assert first["TrangThaiHoSo"] == 2 and first["NgayTra"] is None and len(first["QuaTrinhXuLy"]) == 1
    assert last["TrangThaiHoSo"] == 10 and last["NgayTra"] == "20260303100000"
    assert len(last["QuaTrinhXuLy"]) == len(events)
    assert last["MaHoSo"] == dossier.code and last["MaTTHC"] == "1.004873" and last["KenhThucHien"] == 1
    sync = DossierSync.objects.get(dossier=dossier)
    assert (sync.state, sync.last_seq_acked, sync.last_seq_written) == (SyncState.SYNCED, len(events), len(events))
    assert sync.first_acked_at == at(2026, 3, 2, 9)
    assert not SyncRecord.objects.filter(dossier=dossier).exclude(state=RecordState.SENT).exists()


def test_the_portal_down_for_an_hour_then_back_loses_nothing_and_doubles_nothing(world, clock, portal):
    sim(portal, "POST", "/_sim/mode", {"down": True})
    dossier = lifecycle(world, clock, deliver=lambda: delivery.deliver_due())
    outage_start = at(2026, 3, 3, 10)
    for minutes in range(5, 61, 5):  # the sweep every five minutes through the outage
        clock.move_to(outage_start + dt.timedelta(minutes=minutes))
        delivery.deliver_due()
    assert accepted(portal, dossier.code) == []
    waiting = SyncRecord.objects.filter(dossier=dossier)
    assert set(waiting.values_list("state", flat=True)) == {RecordState.PENDING}
    assert waiting.get(seq=1).attempts > 1 and waiting.get(seq=2).attempts == 0  # order: only the head is tried
    assert DossierSync.objects.get(dossier=dossier).state == SyncState.FAILING

    sim(portal, "POST", "/_sim/mode", {"down": False})
    clock.move_to(outage_start + dt.timedelta(minutes=60) + delivery.LONGEST_RETRY)
    outcome = delivery.deliver_due()
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq").values_list("seq", flat=True))
    assert [r["Seq"] for r in accepted(portal, dossier.code)] == events
    assert outcome.sent == len(events) and outcome.duplicates == 0
    assert sim(portal, "GET", "/_sim/state")["duplicates"] == 0
    assert DossierSync.objects.get(dossier=dossier).state == SyncState.SYNCED


def test_a_lost_answer_is_sent_again_and_the_portal_keeps_it_once(world, clock, portal):
    dossier = receive(world)
    delivery.deliver_due()
    # The worker died after the portal stored the record and before our commit: the record is pending again.
    SyncRecord.objects.filter(dossier=dossier, seq=1).update(state=RecordState.PENDING, sent_at=None)
    outcome = delivery.deliver_due()
    assert (outcome.sent, outcome.duplicates) == (1, 1)
    assert [r["Seq"] for r in accepted(portal, dossier.code)] == [1]
    assert SyncRecord.objects.get(dossier=dossier, seq=1).duplicate is True


def test_a_request_that_times_out_is_retried_after_its_back_off(world, clock, portal, settings):
    settings.PORTAL_TIMEOUT_SECONDS = 0.3  # the simulator hangs a second
    sim(portal, "POST", "/_sim/mode", {"timeout": 1})
    clock.move_to(at(2026, 3, 2, 9))
    dossier = receive(world)
    assert delivery.deliver_due().failed == 1
    record = SyncRecord.objects.get(dossier=dossier, seq=1)
    assert record.next_attempt_at == at(2026, 3, 2, 9) + delivery.FIRST_RETRY and record.last_error
    assert delivery.deliver_due().sent == 0  # not due yet
    clock.shift(delivery.FIRST_RETRY)
    assert delivery.deliver_due().sent == 1
    assert [r["Seq"] for r in accepted(portal, dossier.code)] == [1]


def test_a_refusal_is_a_dead_letter_that_holds_back_the_rest_until_an_administrator_retries(
        world, clock, portal, settings, admin_client):
    settings.PORTAL_SECRET = "not-the-portal's"
    dossier = receive(world)
    dossier = services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 14))
    clock.move_to(at(2026, 3, 2, 15))
    outcome = delivery.deliver_due()
    assert outcome.dead == 1 and outcome.sent == 0
    head = SyncRecord.objects.get(dossier=dossier, seq=1)
    assert head.state == RecordState.DEAD and head.last_error.startswith("Cổng từ chối (401)")
    assert SyncRecord.objects.get(dossier=dossier, seq=2).attempts == 0
    assert DossierSync.objects.get(dossier=dossier).state == SyncState.DEAD
    clock.shift(dt.timedelta(hours=2))
    assert delivery.deliver_due().sent == 0  # a dead letter is not retried by the sweep

    settings.PORTAL_SECRET = DEFAULT_SECRET  # the administrator fixes the key, then retries from the admin
    response = admin_client.post("/admin/portal_sync/syncrecord/", {
        "action": "retry", "_selected_action": [head.pk]}, follow=True)
    assert response.status_code == 200 and "hàng chờ gửi lại" in response.content.decode()
    assert delivery.deliver_due().sent == 2
    assert [r["Seq"] for r in accepted(portal, dossier.code)] == [1, 2]


def test_an_event_rolled_back_leaves_no_record(world, settings):
    settings.PORTAL_SYNC_ENABLED = True
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(world)
        raise RuntimeError("the receipt's transaction fails after the event")
    assert not SyncRecord.objects.exists() and not DossierEvent.objects.exists()


def test_a_dossier_older_than_the_link_sends_its_whole_history_first(world, clock, portal, settings):
    settings.PORTAL_SYNC_ENABLED = False
    dossier = receive(world)
    assert not SyncRecord.objects.exists()
    settings.PORTAL_SYNC_ENABLED = True
    clock.move_to(at(2026, 3, 2, 14))
    services.complete_step(dossier, actor=world.specialist)
    assert list(SyncRecord.objects.values_list("seq", flat=True)) == [2]
    delivery.deliver_due()
    assert [r["Seq"] for r in accepted(portal, dossier.code)] == [1, 2]


def test_without_a_portal_records_wait_and_nothing_is_sent(world, settings):
    settings.PORTAL_SYNC_ENABLED, settings.PORTAL_URL = True, ""
    dossier = receive(world)
    assert delivery.deliver_due().skipped
    assert SyncRecord.objects.get(dossier=dossier).state == RecordState.PENDING


def test_the_outbox_costs_one_insert_per_event(world, settings, django_assert_num_queries):
    from procedures.calendar import load_calendar
    from tests.workflows.test_query_counts import COMPLETE_STEP, RECEIVE

    settings.PORTAL_SYNC_ENABLED = True
    load_calendar(world.commune)
    for name in ("clerk", "specialist"):
        setattr(world, name, type(getattr(world, name)).objects.get(pk=getattr(world, name).pk))
    with django_assert_num_queries(RECEIVE + 1):
        dossier = receive(world)
    with django_assert_num_queries(COMPLETE_STEP + 1):
        services.complete_step(dossier, actor=world.specialist, now=at(2026, 3, 2, 14))


def test_the_dossier_page_tells_the_sync_state_and_the_last_error(world, clock, portal, client):
    from django.urls import reverse

    sim(portal, "POST", "/_sim/mode", {"down": True})
    clock.move_to(at(2026, 3, 2, 9))
    dossier = receive(world)
    delivery.deliver_due()
    client.force_login(world.clerk)
    page = client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert "Đồng bộ lỗi, đang thử lại" in page and "0 sự kiện đã gửi, 1 chờ gửi" in page
    assert "gửi tiếp lúc 09:00 02/03/2026" in page  # 30 s after the failure, within the minute

    sim(portal, "POST", "/_sim/mode", {"down": False})
    clock.shift(delivery.FIRST_RETRY)
    delivery.deliver_due()
    page = client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()
    assert "Đã đồng bộ" in page and "1 sự kiện đã gửi, 0 chờ gửi" in page
    assert "Cổng xác nhận lần cuối 09:00 02/03/2026" in page


def test_without_sync_the_dossier_page_says_nothing_of_the_portal(world, client):
    from django.urls import reverse

    dossier = receive(world)
    client.force_login(world.clerk)
    assert "Đồng bộ Cổng DVCQG" not in client.get(reverse("counter:dossier", args=[dossier.pk])).content.decode()


def test_a_portal_that_lost_what_it_acknowledged_gets_it_again_in_order(world, clock, settings):
    with running_simulator(hang=1.0) as first:
        settings.PORTAL_URL, settings.PORTAL_TOKEN, settings.PORTAL_SECRET = first, DEFAULT_TOKEN, DEFAULT_SECRET
        settings.PORTAL_SYNC_ENABLED = True
        clock.move_to(at(2026, 3, 2, 9))
        dossier = receive(world)
        delivery.deliver_due()
    with running_simulator(hang=1.0) as restored:  # the portal comes back from an older backup: empty
        settings.PORTAL_URL = restored
        clock.move_to(at(2026, 3, 2, 14))
        services.complete_step(dossier, actor=world.specialist)
        outcome = delivery.deliver_due()
        assert [r["Seq"] for r in accepted(restored, dossier.code)] == [1, 2]
    assert outcome.sent == 2 and outcome.dead == 0
    assert set(SyncRecord.objects.filter(dossier=dossier).values_list("state", flat=True)) == {RecordState.SENT}
