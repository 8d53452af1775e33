"""SMS (tin nhắn) backends: a small pluggable interface, like Django's email backends.

`settings.SMS_BACKEND` names the class; the demo logs messages instead of sending them.
A real provider is a subclass of `BaseSMSBackend` named in the setting (configuration only).
"""
import logging
from abc import ABC, abstractmethod

from django.conf import settings
from django.utils.module_loading import import_string

from workflows.privacy import mask_phone

logger = logging.getLogger("onestop.sms")


class SMSError(Exception):
    """The provider refused or could not take the message (retried by the task)."""


class BaseSMSBackend(ABC):
    """The interface an SMS provider's backend implements (settings.SMS_BACKEND)."""

    @abstractmethod
    def send(self, phone: str, text: str, *, idempotency_key: str = "") -> str:
        """Send one message; return the provider's message id. Raise SMSError on failure.

        `idempotency_key` is the same on every hand-off of one message: a retry after a lost
        reply, and the re-send after a worker died mid-send (docs/decisions/0016). An adapter
        passes it as its request's idempotency header or client reference (hashed, if the
        gateway limits its length) so the gateway delivers the message once.
        """


class LoggingSMSBackend(BaseSMSBackend):
    """The demo backend: writes the message to the log (phone masked) and keeps an outbox."""

    outbox: list[dict] = []  # for tests, like django.core.mail.outbox

    def send(self, phone, text, *, idempotency_key=""):
        LoggingSMSBackend.outbox.append({"phone": phone, "text": text, "key": idempotency_key})
        logger.info("SMS to %s: %s", mask_phone(phone), text)
        return f"log-{idempotency_key}"


def get_backend() -> BaseSMSBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(phone: str, text: str, *, idempotency_key: str = "") -> str:
    return get_backend().send(phone, text, idempotency_key=idempotency_key)
