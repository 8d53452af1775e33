"""A real worker killed (SIGKILL) inside the SMS backend's `send`; a second worker finishes the job.

The first worker's backend (tests.notifications.backends.BlockingSMSBackend) records the hand-off
to a file and stays inside `send` until the kill. Then the row is `sending`, committed before the
hand-off; the message redelivered to the second worker leaves it alone; the sweep, past the lease,
re-sends it once through the second worker with the same idempotency key, counted as a possible
duplicate (docs/decisions/0016-delivery-after-a-kill.md).
"""
import datetime as dt
import json
import signal
import time
from types import SimpleNamespace

import pytest
import redis

from notifications.models import Notification
from notifications.sending import SENDING_LEASE, resend_lost, send_notification
from tests.test_worker import BROKER, _result, database_for_workers, start_worker, stop_worker, tasks_through_redis
from tests.world import at
from workflows import services

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER.startswith("redis://"),
                       reason="needs the Redis broker: runs in CI's PostgreSQL+Redis pass"),
]

BUDGET = 55  # seconds for all the waits of the test together (it takes about 15)


def wait_for(condition, what, log, deadline):
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


def unacked_task_ids() -> set[str]:
    """Tasks that kombu holds unacknowledged in Redis, to redeliver after the visibility timeout."""
    client = redis.Redis.from_url(BROKER)
    return {json.loads(raw)[0]["headers"]["id"] for raw in client.hvals("unacked")}


def forget_unacked(task_ids):
    """Drop the killed worker's message: redelivered hours later, in another run, its notification
    id would name another test's row."""
    client = redis.Redis.from_url(BROKER)
    for tag, raw in client.hgetall("unacked").items():
        if json.loads(raw)[0]["headers"]["id"] in task_ids:
            client.hdel("unacked", tag)
            client.zrem("unacked_index", tag)


@pytest.fixture
def workers(settings, tmp_path):
    """.start(name, **env) → (process, log) of a worker with the blocking SMS backend; .hand_offs()."""
    record = tmp_path / "hand-offs.jsonl"
    started = []

    def hand_offs():
        return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []

    with tasks_through_redis(settings), database_for_workers(tmp_path) as database_url:

        def start(name, **env):
            log = tmp_path / f"{name}.log"
            started.append(start_worker(
                database_url, log, SMS_BACKEND="tests.notifications.backends.BlockingSMSBackend",
                ONESTOP_TEST_SMS_LOG=str(record), EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                **env))
            return started[-1], log

        try:
            yield SimpleNamespace(start=start, hand_offs=hand_offs)
        finally:
            for proc in started:
                if proc.poll() is None:
                    stop_worker(proc)
            forget_unacked({h["task_id"] for h in hand_offs()})


def test_a_worker_killed_inside_send_leaves_a_trace_and_the_message_goes_once_more_with_its_key(
        workers, world, clock):
    deadline = time.monotonic() + BUDGET
    first, first_log = workers.start("first", ONESTOP_TEST_SMS_HOLD="120")  # stays inside `send`
    proc = world.commune_proc
    dossier = services.receive(  # commits; the receiver queues the SMS on Redis
        actor=world.clerk, procedure=proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678"),
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9),
    ).dossier
    [sms] = Notification.objects.filter(dossier=dossier)
    wait_for(lambda: len(workers.hand_offs()) == 1, "the first worker's hand-off", first_log, deadline)
    # Marked and committed before the hand-off: this process, on its own connection, sees it.
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.possible_duplicates) == ("sending", 1, 0) and sms.sending_at

    first.send_signal(signal.SIGKILL)
    assert first.wait(timeout=10) == -signal.SIGKILL
    [killed] = workers.hand_offs()
    assert killed["pid"] == first.pid
    assert killed["task_id"] in unacked_task_ids()  # acks_late: the message waits for redelivery
    sms.refresh_from_db()
    assert sms.status == "sending"  # the trace: handed off, outcome unknown

    second, second_log = workers.start("second")
    # The message redelivered (the same body: the id alone) finds the hand-off in progress: no blind resend.
    redelivered = send_notification.delay(sms.pk).id
    wait_for(lambda: (_result(redelivered) or {}).get("status") == "SUCCESS", "the redelivered task",
             second_log, deadline)
    assert _result(redelivered)["result"] == "sending" and len(workers.hand_offs()) == 1

    # The sweep, once the lease is over (this process's frozen clock moves; the workers' clocks run).
    clock.move_to(sms.sending_at + SENDING_LEASE + dt.timedelta(seconds=1))
    assert resend_lost() == 1
    wait_for(lambda: Notification.objects.get(pk=sms.pk).status == "sent", "the re-send recorded", second_log, deadline)
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.possible_duplicates, sms.last_error) == ("sent", 2, 1, "")
    # Delivered at most twice, both times under the message's one key; nothing lost.
    first_hand_off, second_hand_off = workers.hand_offs()
    assert second_hand_off["pid"] == second.pid
    assert first_hand_off["key"] == second_hand_off["key"] == sms.idempotency_key
    assert first_hand_off["phone"] == second_hand_off["phone"] == "0912345678"
