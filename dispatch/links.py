"""Signed links for customers who answer from an email (remote approval, signing the service application).

A link carries the object id and the contact it was sent to, signed with ``SECRET_KEY`` and a
purpose-specific salt; it expires after ``DISPATCH_LINK_MAX_AGE_HOURS`` (default 72).
"""

from __future__ import annotations

from django.conf import settings

from core.links import read_signed_token, signed_token

REMOTE_APPROVAL = "dispatch.remote-approval"
APPLICATION_SIGNING = "dispatch.application-signing"


def max_age_seconds() -> int:
    return int(getattr(settings, "DISPATCH_LINK_MAX_AGE_HOURS", 72)) * 3600


def make_token(purpose: str, object_id: int, contact_id: int | None) -> str:
    return signed_token(purpose, object_id, contact_id)


def read_token(purpose: str, token: str) -> tuple[int, int | None]:
    """The (object id, contact id) a token was made for; ValidationError when forged or expired."""
    return read_signed_token(purpose, token, max_age_seconds=max_age_seconds())
