"""Integration with a real Celery worker on the Redis broker (CI's PostgreSQL+Redis pass).

The worker is a separate process on the test database: it records the citizen's
notifications after a dossier event, and runs the deadline scan twice with one alert.
"""
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from notifications.models import DeadlineAlert, Notification
from notifications.tasks import scan_deadlines
from onestop.celery import app
from tests.world import at
from workflows import services

BROKER = os.environ.get("CELERY_BROKER_URL", "")
ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not BROKER.startswith("redis://"),
                       reason="needs the Redis broker: runs in CI's PostgreSQL+Redis pass"),
]


def _database_url() -> str:
    db = connection.settings_dict
    assert "postgresql" in db["ENGINE"], "the worker needs a database another process can open"
    auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wait_for(condition, what, log):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


@pytest.fixture
def worker(settings, world, tmp_path):
    """A worker process on the Redis broker and the test database; tasks really go through Redis."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the app read its config once; the fixture in conftest is not enough
    app.control.purge()  # messages left by earlier tests of this run refer to rolled-back rows
    env = {**os.environ, "DATABASE_URL": _database_url(), "CELERY_BROKER_URL": BROKER,
           "CELERY_RESULT_BACKEND": BROKER, "DJANGO_SETTINGS_MODULE": "onestop.settings"}
    log = tmp_path / "celery-worker.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "onestop", "worker", "-P", "solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        yield log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        app.conf.task_always_eager = saved


def _receive(world):
    proc = world.commune_proc
    return services.receive(
        actor=world.clerk, procedure=proc, agency=world.counter,
        applicant=services.Applicant(name="Nguyễn Văn An", phone="0912345678", email="an@example.vn"),
        document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9),
    ).dossier


def test_a_worker_sends_and_records_the_notifications_of_a_dossier_event(worker, world):
    dossier = _receive(world)  # commits; the receiver queues the sends on Redis
    sent = Notification.objects.filter(dossier=dossier, status="sent")
    wait_for(lambda: sent.count() == 2, "two notifications recorded as sent by the worker", worker)
    assert set(sent.values_list("channel", "attempts")) == {("email", 1), ("sms", 1)}
    # Sent by the worker, not eagerly in this process.
    wait_for(lambda: worker.read_text().count("send_notification[") >= 2, "the worker's log", worker)


def _result(task_id):
    import redis

    client = redis.Redis.from_url(BROKER)
    raw = client.get(f"celery-task-meta-{task_id}")
    return json.loads(raw) if raw else None


def test_the_deadline_scan_run_twice_by_the_worker_alerts_once(worker, world):
    for user in (world.specialist, world.supervisor):
        user.email = f"{user.username}@laichau.gov.vn"
        user.save()
    dossier = _receive(world)  # received in March with a 3-working-day limit: overdue now
    results = []
    for _ in range(2):
        task_id = scan_deadlines.delay().id
        wait_for(lambda tid=task_id: (_result(tid) or {}).get("status") == "SUCCESS", "the scan's result", worker)
        results.append(_result(task_id)["result"])
    assert results[0]["items_overdue"] == 1 and results[0]["dossiers_overdue"] == 1
    assert results[1]["items_overdue"] == results[1]["dossiers_overdue"] == 0
    assert DeadlineAlert.objects.filter(dossier=dossier).count() == 2
    staff = Notification.objects.filter(dossier=dossier, event__isnull=True)
    wait_for(lambda: staff.filter(status="sent").count() == 3, "the alerts' e-mails", worker)
    assert staff.count() == 3
