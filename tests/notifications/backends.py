"""E-mail backends that fail, for the retry tests."""
import smtplib

from django.core.mail.backends.locmem import EmailBackend


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
