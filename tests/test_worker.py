"""Integration with a real Celery worker on the Redis broker (CI's PostgreSQL+Redis pass).

The worker is a separate process on the test database: it records the citizen's
notifications after a dossier event, and runs the deadline scan twice with one alert.
On SQLite the test database is copied to a file both processes use (`database_for_workers`).
"""
import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, connections

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


@contextlib.contextmanager
def database_for_workers(directory: Path):
    """Yields the DATABASE_URL by which a worker process opens this test's database.

    Enter it before the test writes rows. SQLite's test database lives in this process's memory,
    where no worker can open it: it is copied to a file, and this process uses the file too until
    the end (the in-memory database, left untouched, is flushed as usual afterwards).
    """
    db = connection.settings_dict
    if "postgresql" in db["ENGINE"]:
        auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
        yield f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return
    assert db["ENGINE"].endswith("sqlite3"), "the worker needs a database another process can open"
    if not connection.is_in_memory_db():
        yield f"sqlite:///{db['NAME']}"
        return
    path = directory / "worker.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)  # schema and rows (migrations already applied)
    finally:
        target.close()
    memory = connections["default"]
    on_file = type(memory)({**memory.settings_dict, "NAME": str(path)}, "default")
    connections["default"] = on_file
    try:
        yield f"sqlite:///{path}"
    finally:
        on_file.close()
        connections["default"] = memory


def start_worker(database_url: str, log: Path, **env) -> subprocess.Popen:
    """A `celery -A onestop worker` process on the Redis broker (solo pool: the task runs in it)."""
    env = {**os.environ, "DATABASE_URL": database_url, "CELERY_BROKER_URL": BROKER,
           "CELERY_RESULT_BACKEND": BROKER, "DJANGO_SETTINGS_MODULE": "onestop.settings", **env}
    with log.open("w") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "onestop", "worker", "-P", "solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"test-{uuid.uuid4().hex[:8]}@%h"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )


def stop_worker(proc: subprocess.Popen):
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_for(condition, what, log):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{log.read_text()[-4000:]}")


@contextlib.contextmanager
def tasks_through_redis(settings):
    """Tasks queued by this process really go through Redis (given the `settings` fixture)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False  # the app read its config once; the fixture in conftest is not enough
    app.control.purge()  # messages left by earlier tests of this run refer to rolled-back rows
    try:
        yield
    finally:
        app.conf.task_always_eager = saved


@pytest.fixture
def worker(settings, tmp_path):
    """A worker process on the Redis broker and the test database (request it before `world`)."""
    log = tmp_path / "celery-worker.log"
    with tasks_through_redis(settings), database_for_workers(tmp_path) as database_url:
        proc = start_worker(database_url, log)
        try:
            yield log
        finally:
            stop_worker(proc)


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
