"""E-mail and SMS backends that fail, die or block, for the retry and kill tests."""
import json
import os
import smtplib
import time

from django.core.mail.backends.locmem import EmailBackend

from notifications.sms import BaseSMSBackend


class FailingEmailBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("relay down")


class FlakyEmailBackend(EmailBackend):
    """Fails the first `failures` sends of the process, then delivers (to mail.outbox)."""

    failures = 1

    def send_messages(self, messages):
        if FlakyEmailBackend.failures > 0:
            FlakyEmailBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("temporary failure")
        return super().send_messages(messages)


class FailingSMSBackend:
    def send(self, phone, text, *, idempotency_key=""):
        from notifications.sms import SMSError

        raise SMSError("provider rejected the message")


# --- a worker dying inside the hand-off (docs/decisions/0016-delivery-after-a-kill.md) -------------


class Killed(BaseException):
    """Stands for SIGKILL in-process: not an Exception, so nothing gets to record the outcome."""


def _row_status(key):
    from notifications.models import Notification

    return Notification.objects.get(idempotency_key=key).status


class DyingSMSBackend(BaseSMSBackend):
    """Takes the message (records the hand-off and the row's status then), and dies."""

    handed_off: list[dict] = []

    def send(self, phone, text, *, idempotency_key=""):
        DyingSMSBackend.handed_off.append({"key": idempotency_key, "status": _row_status(idempotency_key)})
        raise Killed


class DyingEmailBackend(EmailBackend):
    """Takes the message (records its Message-ID and the row's status then), and dies."""

    handed_off: list[dict] = []

    def send_messages(self, messages):
        for message in messages:
            key = message.extra_headers["X-Onestop-Idempotency-Key"]
            DyingEmailBackend.handed_off.append(
                {"key": key, "message_id": message.message()["Message-ID"], "status": _row_status(key)})
        raise Killed


class BlockingSMSBackend(BaseSMSBackend):
    """For a real worker (tests/test_worker_kill.py): appends each hand-off as a JSON line to the
    file named by ONESTOP_TEST_SMS_LOG, then, with ONESTOP_TEST_SMS_HOLD=seconds, stays inside
    `send` that long (until the test kills the worker)."""

    def send(self, phone, text, *, idempotency_key=""):
        from celery import current_task

        line = json.dumps({"key": idempotency_key, "phone": phone, "pid": os.getpid(),
                           "task_id": current_task.request.id if current_task else None})
        with open(os.environ["ONESTOP_TEST_SMS_LOG"], "a", encoding="utf-8") as log:
            log.write(line + "\n")
            log.flush()
            os.fsync(log.fileno())
        time.sleep(float(os.environ.get("ONESTOP_TEST_SMS_HOLD") or 0))
        return f"blocking-{idempotency_key}"
