"""SMS providers: one small interface, chosen by the SMS_PROVIDER setting."""

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SmsProvider(Protocol):
    def send(self, *, to: str, body: str) -> str:
        """Send one text; return the provider's message id. Raise on failure."""


class LogSmsProvider:
    """The default: writes the text to the log instead of sending it."""

    def send(self, *, to: str, body: str) -> str:
        logger.info("SMS to %s: %s", to, body)
        return "logged"


def sms_provider() -> SmsProvider:
    return import_string(settings.SMS_PROVIDER)()
