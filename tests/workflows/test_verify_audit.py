"""The audit trail defends itself: every chain verified nightly, statuses against trails, heads against a
signed anchor, and (PostgreSQL) a trigger that refuses UPDATE and DELETE of an event."""
import gzip
import hashlib
import hmac
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onestop.celery import app
from tests import factories as f
from tests.world import at, receive
from workflows import audit, services, tasks
from workflows.management.commands.verify_audit import Command
from workflows.models import AuditAnchor, AuditAnchorHead, AuditRun, Dossier, DossierEvent, FindingKind

pytestmark = pytest.mark.django_db

EVENTS, DOSSIERS = DossierEvent._meta.db_table, Dossier._meta.db_table
ROOT = Path(__file__).resolve().parents[2]


def lifecycle(w, **kw):
    dossier = receive(w, **kw)
    dossier = services.complete_step(dossier, actor=w.specialist, note="Đủ điều kiện")
    return services.decide(dossier, actor=w.leader, outcome="granted")


def tamper(sql, params=()):
    """SQL behind the application's back. On PostgreSQL the trigger refuses it, so the tamperer here is
    the database owner, who can switch triggers off for the transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def rewrite_consistently(dossier, seq, note):
    """Edit event `seq` and re-hash it and every later event, and the dossier's head: the chain still verifies."""
    events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    prev = events[seq - 2].hash if seq > 1 else ""
    for event in events[seq - 1:]:
        event.note = note if event.seq == seq else event.note
        event.prev_hash = prev
        event.hash = prev = event.compute_hash()
        tamper(f"UPDATE {EVENTS} SET note = %s, prev_hash = %s, hash = %s WHERE id = %s",
               [event.note, event.prev_hash, event.hash, event.pk])
    tamper(f"UPDATE {DOSSIERS} SET last_event_hash = %s WHERE id = %s", [prev, dossier.pk])


def found(run):
    return sorted((x.code, x.kind, x.seq) for x in run.findings.all())


# --- the chain, the head and the status ------------------------------------------------------------


def test_a_clean_trail_passes(world):
    lifecycle(world)
    receive(world, name="Trần Thị Bình")
    run = audit.verify_all()
    assert run.ok and (run.checked, run.events_checked, run.finding_count) == (2, 4, 0)
    assert run.finished_at is not None and found(run) == []


def test_an_edited_event_is_found_and_named(world):
    dossier = lifecycle(world)
    clean = receive(world, name="Trần Thị Bình")
    tamper(f"UPDATE {EVENTS} SET note = %s WHERE dossier_id = %s AND seq = 2", ["sửa", dossier.pk])
    run = audit.verify_all()
    assert found(run) == [(dossier.code, FindingKind.CHAIN, 2)]
    finding = run.findings.get()
    assert finding.reason == "content does not match its hash" and finding.unit_path == dossier.unit_path
    assert clean.code not in {x.code for x in run.findings.all()}


def test_a_deleted_event_is_found(world):
    middle, last = lifecycle(world), lifecycle(world, name="Trần Thị Bình")
    tamper(f"DELETE FROM {EVENTS} WHERE dossier_id = %s AND seq = 2", [middle.pk])
    tamper(f"DELETE FROM {EVENTS} WHERE dossier_id = %s AND seq = 3", [last.pk])
    run = audit.verify_all()
    assert found(run) == sorted([
        (middle.code, FindingKind.CHAIN, 2),  # event 2 is missing
        (last.code, FindingKind.HEAD, 3),  # the head says 3 events, the trail has 2
        (last.code, FindingKind.STATUS, 2),  # and the trail ends before the decision
    ])


def test_a_status_that_disagrees_with_the_trail_is_found(world):
    dossier = lifecycle(world)
    tamper(f"UPDATE {DOSSIERS} SET status = %s WHERE id = %s", ["returned", dossier.pk])
    run = audit.verify_all()
    assert found(run) == [(dossier.code, FindingKind.STATUS, 3)]
    assert "'result_ready'" in run.findings.get().reason


# --- the anchor ------------------------------------------------------------------------------------------


def test_the_anchor_is_a_signed_digest_of_every_head_in_code_order(world, settings):
    for name in ("An", "Bình", "Cường"):
        receive(world, name=name)
    lifecycle(world)
    anchor = audit.take_anchor()
    heads = sorted(Dossier.objects.values_list("code", "event_count", "last_event_hash"))
    expected = hashlib.sha256(b"".join(f"{c}\t{n}\t{h}\n".encode() for c, n, h in heads)).hexdigest()
    assert (anchor.dossier_count, anchor.digest) == (4, expected)
    taken_at = anchor.taken_at.astimezone(audit.dt.UTC).isoformat(timespec="microseconds")
    message = f"onestop.audit-anchor.v1\n{anchor.day.isoformat()}\n{taken_at}\n4\n{expected}"
    key = settings.ONESTOP_AUDIT_ANCHOR_KEY.encode()
    assert anchor.signature == hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
    assert list(anchor.heads.order_by("position").values_list("code", "event_count", "last_event_hash")) == heads
    assert audit.check_anchor(anchor) == ""


def test_a_consistent_rewrite_of_events_and_head_is_caught_by_the_anchor(world):
    dossier, other = lifecycle(world), lifecycle(world, name="Trần Thị Bình")
    audit.take_anchor()
    rewrite_consistently(dossier, 2, "Không đủ điều kiện")
    assert audit.verify_chain(Dossier.objects.get(pk=dossier.pk)).ok  # its own chain still verifies
    run = audit.verify_all()
    assert found(run) == [(dossier.code, FindingKind.ANCHOR, 3)]
    assert run.findings.get().reason == "the head differs from the anchored head"
    assert other.code not in {x.code for x in run.findings.all()}


def test_a_rewrite_followed_by_an_append_is_still_caught(world):
    dossier = lifecycle(world)
    audit.take_anchor()
    rewrite_consistently(dossier, 1, "Thiếu tờ khai")
    services.return_result(Dossier.objects.get(pk=dossier.pk), actor=world.clerk, collected_by="Nguyễn Văn An")
    run = audit.verify_all()
    assert found(run) == [(dossier.code, FindingKind.ANCHOR, 3)]
    assert run.findings.get().reason == "event 3 differs from the anchored head"


def test_an_append_after_the_anchor_is_not_a_finding(world):
    dossier = receive(world)
    audit.take_anchor()
    dossier = services.complete_step(dossier, actor=world.specialist)
    services.decide(dossier, actor=world.leader, outcome="granted")
    lifecycle(world, name="Trần Thị Bình")  # received after the anchor: not covered, still verified
    run = audit.verify_all()
    assert run.ok and run.anchor is not None and run.checked == 2


def test_an_anchored_dossier_that_vanished_is_found(world):
    dossier = lifecycle(world)
    audit.take_anchor()
    tamper(f"UPDATE {DOSSIERS} SET code = %s WHERE id = %s", [dossier.code + "X", dossier.pk])
    run = audit.verify_all()
    kinds = {(x.code, x.kind) for x in run.findings.all()}
    assert (dossier.code, FindingKind.ANCHOR) in kinds  # the anchored code is gone
    assert (dossier.code + "X", FindingKind.CHAIN) in kinds  # the hashes name the old code


def test_an_anchor_whose_heads_were_edited_or_whose_key_changed_is_reported(world, settings):
    dossier = lifecycle(world)
    anchor = audit.take_anchor()
    rewrite_consistently(dossier, 2, "x")
    AuditAnchorHead.objects.filter(anchor=anchor).update(last_event_hash=Dossier.objects.get(pk=dossier.pk)
                                                         .last_event_hash)  # the tamperer edits the anchor too
    run = audit.verify_all()
    assert [(x.kind, x.reason) for x in run.findings.all()] == [
        (FindingKind.ANCHOR_INVALID, f"anchor of {anchor.day:%Y-%m-%d}: its stored heads are not the ones it signed")]
    settings.ONESTOP_AUDIT_ANCHOR_KEY = secrets.token_urlsafe(64)
    assert "another key" in audit.check_anchor(anchor)


def test_the_nightly_task_verifies_then_anchors_and_a_rewrite_found_stays_found(world):
    assert app.conf.beat_schedule["audit-verify"]["task"] == "workflows.tasks.verify_audit"
    assert "workflows.tasks.verify_audit" in app.tasks
    dossier, other = lifecycle(world), receive(world, name="Trần Thị Bình")
    first = tasks.verify_audit.apply().get()
    assert (first["checked"], first["findings"], first["anchored"]) == (2, 0, 2)
    rewrite_consistently(dossier, 2, "x")
    services.complete_step(other, actor=world.specialist)  # an honest change meanwhile
    assert tasks.verify_audit.apply().get()["findings"] == 1
    # The new anchor kept the honest head of the rewritten dossier, and took the other's new head:
    run = audit.verify_all()
    assert found(run) == [(dossier.code, FindingKind.ANCHOR, 3)]
    assert AuditRun.objects.count() == 3 and AuditAnchor.objects.count() == 2
    # Only the latest anchors keep their heads.
    tasks.verify_audit.apply().get()
    assert AuditAnchorHead.objects.values("anchor").distinct().count() == audit.ANCHORS_WITH_HEADS


# --- the command -------------------------------------------------------------------------------------


def run_command(monkeypatch, *args):
    """The command as cron runs it (run_from_argv: exit status), on the test's connection."""
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    try:
        Command().run_from_argv(["manage.py", "verify_audit", *args])
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_the_command_exits_non_zero_when_something_is_broken(world, monkeypatch, capsys):
    dossier = lifecycle(world)
    assert run_command(monkeypatch, "--anchor") == 0
    assert "1 dossiers, 3 events, 0 findings" in capsys.readouterr().out
    assert AuditAnchor.objects.count() == 1
    tamper(f"UPDATE {EVENTS} SET note = %s WHERE dossier_id = %s AND seq = 1", ["sửa", dossier.pk])
    assert run_command(monkeypatch, "--chunk-size", "1") == 1
    out, err = capsys.readouterr()
    assert f"{dossier.code} #1 [chain] content does not match its hash" in out
    assert "the audit trail is broken: 1 findings" in err
    assert run_command(monkeypatch, "--chunk-size", "0") == 1


def test_the_command_exports_the_anchor_for_write_once_storage(world, monkeypatch, capsys, tmp_path):
    lifecycle(world)
    receive(world, name="Trần Thị Bình")
    assert run_command(monkeypatch, "--export", str(tmp_path)) == 1  # nothing anchored yet
    assert run_command(monkeypatch, "--anchor", "--export", str(tmp_path)) == 0
    anchor = AuditAnchor.objects.get()
    [path] = tmp_path.iterdir()
    header, _, body = gzip.decompress(path.read_bytes()).partition(b"\n\n")
    assert hashlib.sha256(body).hexdigest() == anchor.digest and body.count(b"\n") == 2
    assert f"signature: {anchor.signature}" in header.decode()
    assert run_command(monkeypatch, "--export", str(tmp_path)) == 0
    assert "exists already" in capsys.readouterr().out and len(list(tmp_path.iterdir())) == 1


def test_call_command_raises_when_broken(world):
    dossier = receive(world)
    call_command("verify_audit")
    tamper(f"UPDATE {DOSSIERS} SET event_count = 5 WHERE id = %s", [dossier.pk])
    with pytest.raises(Exception, match="broken"):
        call_command("verify_audit")


# --- bounded work --------------------------------------------------------------------------------------


def test_queries_are_constant_in_the_number_of_dossiers_per_chunk(world):
    for i in range(3):
        receive(world, name=f"Người nộp {i}")
    audit.take_anchor()
    with CaptureQueriesContext(connection) as three:
        audit.verify_all(chunk_size=50)
    for i in range(5):
        lifecycle(world, name=f"Người nộp thêm {i}")
    audit.take_anchor()
    with CaptureQueriesContext(connection) as eight:
        run = audit.verify_all(chunk_size=50)
    assert run.ok and run.checked == 8 and run.events_checked == 18
    assert len(eight) == len(three) <= 16
    with CaptureQueriesContext(connection) as chunked:
        assert audit.verify_all(chunk_size=3).ok  # 3 + 3 + 2
    reads = [q["sql"] for q in chunked.captured_queries if f'FROM "{EVENTS}"' in q["sql"]]
    assert len(reads) == 3
    assert len(chunked) <= len(eight) + 2 * 6  # a handful of queries per extra chunk, none per dossier


# --- the supervisor's screen ---------------------------------------------------------------------------


def _other_district(world):
    other = f.unit("Phong Thổ", "district", parent=world.province, code="107")
    commune = f.unit("Mường So", "commune", parent=other, code="03500")
    counter = f.agency(commune, "one_stop", "Bộ phận Một cửa xã Mường So", "000.09.01.H29")
    f.agency(commune, "justice", "Tư pháp xã Mường So", "000.09.02.H29")
    f.agency(commune, "people_committee", "UBND xã Mường So", "000.09.03.H29")
    clerk = f.user("muong_so_clerk", "clerk", [counter])
    return receive(world, now=at(2026, 3, 2, 9), clerk=clerk, agency=counter, name="Ngoài phạm vi")


def test_the_supervisor_screen_shows_the_findings_of_their_subtree_only(client, world):
    mine, outsider = lifecycle(world), _other_district(world)
    for dossier in (mine, outsider):
        tamper(f"UPDATE {EVENTS} SET note = %s WHERE dossier_id = %s AND seq = 1", ["sửa", dossier.pk])
    anchor = audit.take_anchor()
    tamper(f"UPDATE {AuditAnchor._meta.db_table} SET digest = %s WHERE id = %s", ["0" * 64, anchor.pk])
    run = audit.verify_all()
    assert run.finding_count == 3  # two chains and the anchor

    client.force_login(world.supervisor)
    response = client.get(reverse("oversight:audit"))
    assert response.status_code == 200
    page = response.content.decode()
    assert mine.code in page and outsider.code not in page and "Mốc đối chiếu không hợp lệ" not in page
    assert [r.in_scope for r in response.context["runs"]] == [1]
    assert client.get(reverse("oversight:audit_run", args=[run.pk])).context["findings_count"] == 1
    assert client.get(reverse("oversight:audit_run", args=[run.pk + 1000])).status_code == 404
    assert client.get(f"{reverse('oversight:audit')}{10 ** 30}/").status_code == 404  # out of range: no 500
    assert reverse("oversight:audit") in client.get(reverse("oversight:definitions")).content.decode()

    client.force_login(f.user("root", is_superuser=True, is_staff=True))
    page = client.get(reverse("oversight:audit")).content.decode()
    assert mine.code in page and outsider.code in page and "Mốc đối chiếu không hợp lệ" in page

    client.force_login(world.clerk)
    assert client.get(reverse("oversight:audit")).status_code == 403


def test_the_screen_without_any_run(client, world):
    client.force_login(world.supervisor)
    response = client.get(reverse("oversight:audit"))
    assert response.status_code == 200 and response.context["run"] is None


# --- PostgreSQL: the database refuses ------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's; runs in CI pass 2")
def test_postgresql_refuses_update_and_delete_of_an_event(world):
    dossier = receive(world)
    event = dossier.events.get()
    with connection.cursor() as cursor:
        for sql in (f"UPDATE {EVENTS} SET note = 'sửa' WHERE id = %s", f"DELETE FROM {EVENTS} WHERE id = %s"):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(sql, [event.pk])
        cursor.execute(f"UPDATE {EVENTS} SET note = 'x' WHERE id = -1")  # row-level: touching nothing passes
    services.complete_step(dossier, actor=world.specialist)  # appending still works
    assert list(DossierEvent.objects.filter(dossier=dossier).values_list("seq", "note")) == [(1, ""), (2, "")]
    assert audit.verify_all().ok


# --- the key --------------------------------------------------------------------------------------------


def manage(*args, **env):
    dropped = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "ONESTOP_LOOKUP_KEY", "ONESTOP_AUDIT_ANCHOR_KEY",
               "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env},
                          capture_output=True, text=True, timeout=120)


def production(**extra):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "onestop.example.gov.vn",
            "SITE_URL": "https://onestop.example.gov.vn", "ONESTOP_LOOKUP_KEY": secrets.token_urlsafe(64),
            "ONESTOP_AUDIT_ANCHOR_KEY": secrets.token_urlsafe(64), **extra}


def test_production_needs_its_own_strong_anchor_key():
    assert manage("check", **production()).returncode == 0
    env = production()
    del env["ONESTOP_AUDIT_ANCHOR_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0 and "ONESTOP_AUDIT_ANCHOR_KEY is not set" in result.stderr
    env = production()
    env["ONESTOP_AUDIT_ANCHOR_KEY"] = env["SECRET_KEY"]
    result = manage("check", **env)
    assert result.returncode != 0 and "ONESTOP_AUDIT_ANCHOR_KEY is too weak" in result.stderr
