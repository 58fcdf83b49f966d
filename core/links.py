"""Absolute links for emails and notices, and signed links for people who answer from an email."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext


def absolute_url(viewname: str, *args) -> str:
    """``SITE_URL`` plus the view's path; the site's root when the view is not installed."""
    try:
        path = reverse(viewname, args=args)
    except NoReverseMatch:
        path = "/"
    return settings.SITE_URL.rstrip("/") + path


def signed_token(purpose: str, object_id: int, contact_id: int | None) -> str:
    """A token naming an object and the contact it was sent to, signed with a purpose-specific salt."""
    return signing.dumps({"o": object_id, "c": contact_id}, salt=purpose, compress=True)


def read_signed_token(purpose: str, token: str, *, max_age_seconds: int) -> tuple[int, int | None]:
    """The (object id, contact id) a token was made for; ValidationError when forged or expired."""
    try:
        data = signing.loads(token, salt=purpose, max_age=max_age_seconds)
    except signing.SignatureExpired as e:
        raise ValidationError({"token": [gettext("This link has expired; ask us for a new one.")]}) from e
    except signing.BadSignature as e:
        raise ValidationError({"token": [gettext("This link is not valid.")]}) from e
    return int(data["o"]), data.get("c")
