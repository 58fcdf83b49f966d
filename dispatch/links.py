"""Signed links for customers who answer from an email (remote approval, signing the service application).

A link carries the object id and the contact it was sent to, signed with ``SECRET_KEY`` and a
purpose-specific salt; it expires after ``DISPATCH_LINK_MAX_AGE_HOURS`` (default 72).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

REMOTE_APPROVAL = "dispatch.remote-approval"
APPLICATION_SIGNING = "dispatch.application-signing"


def max_age_seconds() -> int:
    return int(getattr(settings, "DISPATCH_LINK_MAX_AGE_HOURS", 72)) * 3600


def make_token(purpose: str, object_id: int, contact_id: int | None) -> str:
    return signing.dumps({"o": object_id, "c": contact_id}, salt=purpose, compress=True)


def read_token(purpose: str, token: str) -> tuple[int, int | None]:
    """The (object id, contact id) a token was made for; ValidationError when forged or expired."""
    try:
        data = signing.loads(token, salt=purpose, max_age=max_age_seconds())
    except signing.SignatureExpired as e:
        raise ValidationError({"token": [gettext("This link has expired; ask us for a new one.")]}) from e
    except signing.BadSignature as e:
        raise ValidationError({"token": [gettext("This link is not valid.")]}) from e
    return int(data["o"]), data.get("c")
