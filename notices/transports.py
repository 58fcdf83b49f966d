"""Where a rendered notice goes. A transport is small on purpose: SMS and work-messenger robots
plug in later through the ``NOTICE_TRANSPORTS`` setting (dotted paths to classes)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from .models import Notice


class Transport(Protocol):
    def send(self, notice: Notice, subject: str, body: str) -> bool:
        """Send it; True if sent, False if this transport has no address for the recipient.

        Raise on failure: the notice is retried with backoff.
        """


class EmailTransport:
    def send(self, notice: Notice, subject: str, body: str) -> bool:
        address = notice.address
        if not address:
            return False
        send_mail(subject, body, None, [address])
        return True


DEFAULT_TRANSPORTS = ["notices.transports.EmailTransport"]


@cache
def _load(paths: tuple[str, ...]) -> list[Transport]:
    return [import_string(path)() for path in paths]


def transports() -> list[Transport]:
    return _load(tuple(getattr(settings, "NOTICE_TRANSPORTS", DEFAULT_TRANSPORTS)))
