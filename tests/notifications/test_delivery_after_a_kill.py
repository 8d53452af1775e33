"""A worker dying inside the hand-off: marked `sending` before it, re-sent once by the sweep with
the same idempotency key and counted as a possible duplicate (docs/decisions/0016).

In-process, `Killed` (a BaseException) stands for the kill; tests/test_worker_kill.py kills a real
worker.
"""
import datetime as dt
import re

import pytest
from django.core import mail

from notifications import messages, sending
from notifications.models import Notification
from notifications.sending import SENDING_LEASE, deliver, resend_lost, send_notification
from notifications.sms import LoggingSMSBackend
from tests.notifications.backends import DyingEmailBackend, DyingSMSBackend, Killed
from tests.world import at
from workflows import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(world, applicant, commit, monkeypatch):
    """The receipt's e-mail and SMS, recorded and not yet queued: {channel: Notification}."""
    monkeypatch.setattr(messages, "dispatch", lambda ids: None)
    proc = world.commune_proc
    receipt = commit(services.receive, actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
                     document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    return {n.channel: n for n in Notification.objects.filter(dossier=receipt.dossier)}


@pytest.fixture
def dying(settings):
    DyingSMSBackend.handed_off.clear()
    DyingEmailBackend.handed_off.clear()
    settings.SMS_BACKEND = "tests.notifications.backends.DyingSMSBackend"
    settings.EMAIL_BACKEND = "tests.notifications.backends.DyingEmailBackend"
    return settings


def kill_during_hand_off(n):
    with pytest.raises(Killed):
        deliver(n.pk, final=False)
    n.refresh_from_db()
    return n


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_a_hand_off_is_marked_sending_before_the_backend_and_stays_so_when_the_worker_dies(
        recorded, dying, frozen_now, channel):
    Notification.objects.filter(pk=recorded[channel].pk).update(pending_secret="s3cret")
    n = kill_during_hand_off(recorded[channel])
    [hand_off] = (DyingSMSBackend if channel == "sms" else DyingEmailBackend).handed_off
    assert (hand_off["key"], hand_off["status"]) == (n.idempotency_key, "sending")
    assert (n.status, n.attempts, n.sending_at, n.possible_duplicates) == ("sending", 1, frozen_now, 0)
    assert n.pending_secret == "s3cret"  # kept for the re-send


def test_a_task_finding_the_message_in_hand_does_not_send_it_again(recorded, dying, clock):
    n = kill_during_hand_off(recorded["sms"])
    # A redelivered or duplicated task (acks_late), or the sweep before the lease ends: no hand-off.
    assert send_notification.apply(args=[n.pk]).get() == "sending"
    clock.shift(SENDING_LEASE - dt.timedelta(minutes=1))
    assert list(sending.stuck_sending()) == []
    assert len(DyingSMSBackend.handed_off) == 1


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_the_sweep_resends_a_stuck_hand_off_once_with_the_same_key_and_counts_it(
        recorded, dying, settings, clock, channel):
    n = kill_during_hand_off(recorded[channel])
    other = recorded["email" if channel == "sms" else "sms"]
    Notification.objects.filter(pk=other.pk).update(status="sent")  # only the stuck one is left
    settings.SMS_BACKEND = "notifications.sms.LoggingSMSBackend"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    clock.shift(SENDING_LEASE + dt.timedelta(seconds=1))
    assert list(sending.stuck_sending()) == [(n.pk, 1)]
    assert resend_lost() == 1
    assert resend_lost() == 0  # settled: a second sweep (or beat) finds nothing
    # A sweep's task queued twice, or late: the attempt it names is gone, nothing is sent again.
    assert send_notification.apply(args=[n.pk], kwargs={"stuck_attempt": 1}).get() == "sent"
    n.refresh_from_db()
    assert (n.status, n.attempts, n.possible_duplicates, n.last_error, n.pending_secret) == ("sent", 2, 1, "", "")
    if channel == "sms":
        assert [m["key"] for m in LoggingSMSBackend.outbox] == [n.idempotency_key]
    else:
        [message] = mail.outbox
        assert message.message()["Message-ID"] == DyingEmailBackend.handed_off[0]["message_id"]
        assert message.extra_headers["X-Onestop-Idempotency-Key"] == n.idempotency_key


def test_the_message_id_is_derived_from_the_key_alone(receipt, settings):
    n = Notification.objects.get(dossier=receipt.dossier, channel="email")
    [message] = mail.outbox
    assert message.message()["Message-ID"] == sending.message_id(n)
    assert re.fullmatch(r"<[0-9a-f]{32}\.notification@localhost>", sending.message_id(n))
    settings.DEFAULT_FROM_EMAIL = "Một cửa tỉnh <motcua@laichau.gov.vn>"
    assert sending.message_id(n).endswith("@laichau.gov.vn>")


def test_a_failed_hand_off_is_pending_again_with_its_error(recorded, settings):
    settings.SMS_BACKEND = "tests.notifications.backends.FailingSMSBackend"
    n = recorded["sms"]
    with pytest.raises(Exception, match="provider rejected"):
        deliver(n.pk, final=False)
    n.refresh_from_db()
    assert (n.status, n.attempts, n.possible_duplicates) == ("pending", 1, 0)
    assert "provider rejected" in n.last_error
