"""Citizen notifications: one per event and channel, never twice, failures retried and recorded."""
import pytest
from django.core import mail

from notifications import sending
from notifications.models import Notification
from notifications.sending import SEND_MAX_RETRIES, send_notification
from notifications.sms import LoggingSMSBackend
from tests.notifications.backends import FlakyEmailBackend
from tests.world import at
from workflows import services
from workflows.audit import event_committed
from workflows.models import Dossier, DossierEvent
from workflows.statuses import Status

pytestmark = pytest.mark.django_db


def sent(dossier):
    return list(
        Notification.objects.filter(dossier=dossier).order_by("event__seq", "channel")
        .values_list("event__action", "channel", "status")
    )


def test_a_receipt_tells_the_citizen_once_by_email_and_once_by_sms(receipt):
    d = receipt.dossier
    assert sent(d) == [("receive", "email", "sent"), ("receive", "sms", "sent")]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["an@example.vn"]
    assert d.code in mail.outbox[0].body and "/tra-cuu/?t=" in mail.outbox[0].body
    assert [m["phone"] for m in LoggingSMSBackend.outbox] == ["0912345678"]
    n = Notification.objects.get(dossier=d, channel="email")
    assert (n.attempts, n.idempotency_key) == (1, f"{n.event_id}:email:an@example.vn")


def test_each_citizen_event_is_notified_once_and_internal_ones_not_at_all(receipt, world, commit):
    w, d = world, receipt.dossier
    d = commit(services.request_supplement, d, actor=w.specialist, items=["Sổ hộ khẩu"], now=at(2026, 3, 2, 14))
    d = commit(services.supplement_received, d, actor=w.clerk, now=at(2026, 3, 3, 9))
    d = commit(services.assign, d, actor=w.specialist, assignee=w.specialist, now=at(2026, 3, 3, 9, 30))
    d = commit(services.extend, d, actor=w.clerk, new_due_at=at(2026, 3, 20, 16), reason="Cần xác minh",
               now=at(2026, 3, 3, 10))
    d = commit(services.complete_step, d, actor=w.specialist, now=at(2026, 3, 3, 11))
    d = commit(services.decide, d, actor=w.leader, outcome="granted", now=at(2026, 3, 4, 9))
    d = commit(services.return_result, d, actor=w.clerk, collected_by="Nguyễn Văn An", now=at(2026, 3, 4, 15))
    actions = [a for a, channel, _s in sent(d) if channel == "email"]
    assert actions == ["receive", "request_supplement", "extend", "decide", "return_result"]
    assert {s for _a, _c, s in sent(d)} == {"sent"}
    assert len(mail.outbox) == 5 and len(LoggingSMSBackend.outbox) == 5
    supplement = mail.outbox[1].body
    assert "Sổ hộ khẩu" in supplement


def test_a_repeated_signal_or_a_retried_task_sends_nothing_twice(receipt, commit):
    d = receipt.dossier
    event = DossierEvent.objects.get(dossier=d, action="receive")
    event.dossier = d
    commit(event_committed.send, sender=DossierEvent, event=event)  # e.g. a replayed hook
    for n in Notification.objects.filter(dossier=d):
        assert send_notification.apply(args=[n.pk]).get() == "sent"  # e.g. a redelivered task (acks_late)
    assert Notification.objects.filter(dossier=d).count() == 2
    assert len(mail.outbox) == 1 and len(LoggingSMSBackend.outbox) == 1


def test_an_email_failure_is_retried_then_recorded_and_the_transition_stands(world, applicant, commit, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FailingEmailBackend"
    proc = world.commune_proc
    receipt = commit(services.receive, actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
                     document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    email = Notification.objects.get(dossier=receipt.dossier, channel="email")
    assert (email.status, email.attempts) == ("failed", SEND_MAX_RETRIES + 1)
    assert "relay down" in email.last_error
    assert Notification.objects.get(dossier=receipt.dossier, channel="sms").status == "sent"
    assert Dossier.objects.get(pk=receipt.dossier.pk).status == Status.RECEIVED  # not rolled back


def test_a_transient_failure_is_sent_on_retry_exactly_once(world, applicant, commit, settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyEmailBackend"
    FlakyEmailBackend.failures = 1
    proc = world.commune_proc
    receipt = commit(services.receive, actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
                     document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    email = Notification.objects.get(dossier=receipt.dossier, channel="email")
    assert (email.status, email.attempts, email.last_error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_a_broker_outage_at_dispatch_leaves_the_message_pending_for_the_sweep(world, applicant, commit, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(send_notification, "delay", down)
    proc = world.commune_proc
    receipt = commit(services.receive, actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
                     document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    assert receipt.dossier.status == Status.RECEIVED
    pending = Notification.objects.filter(dossier=receipt.dossier, status="pending")
    assert pending.count() == 2 and not mail.outbox
    Notification.objects.filter(pk__in=pending.values("pk")).update(created_at=at(2026, 3, 2, 9))
    assert set(sending.stale_pending()) == set(pending.values_list("pk", flat=True))


def test_an_applicant_without_contacts_gets_no_messages(world, commit):
    proc = world.commune_proc
    receipt = commit(services.receive, actor=world.clerk, procedure=proc, agency=world.counter,
                     applicant=services.Applicant(name="Lò Văn Minh"),
                     document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    assert not Notification.objects.filter(dossier=receipt.dossier).exists()


def test_the_sms_provider_is_configuration_and_its_failure_is_recorded(world, applicant, commit, settings):
    settings.SMS_BACKEND = "tests.notifications.backends.FailingSMSBackend"
    proc = world.commune_proc
    receipt = commit(services.receive, actor=world.clerk, procedure=proc, agency=world.counter, applicant=applicant,
                     document_ids=[d.pk for d in proc.documents.filter(is_mandatory=True)], now=at(2026, 3, 2, 9))
    sms = Notification.objects.get(dossier=receipt.dossier, channel="sms")
    assert (sms.status, sms.attempts) == ("failed", SEND_MAX_RETRIES + 1)
    assert "provider rejected" in sms.last_error
    assert Notification.objects.get(dossier=receipt.dossier, channel="email").status == "sent"
