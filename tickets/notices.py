"""How the public form's confirmation email reads: an address-only notice (the sender has no account)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from notices.registry import NoticeKind, NoticeNotNeeded

from .models import PublicRequest

PUBLIC_CONFIRM = "tickets.public_confirm"


def render_public_confirm(notice: Notice) -> tuple[str, str]:
    request = PublicRequest.objects.filter(pk=notice.data["public_request_id"], confirmed_at=None).first()
    if request is None:
        raise NoticeNotNeeded("the request was confirmed (or removed) before the email left")
    body = render_to_string("tickets/email/public_confirm.txt", {"request": request, "link": notice.link})
    return gettext("Confirm your service request"), body


KINDS = [
    NoticeKind(
        key=PUBLIC_CONFIRM,
        label=_("Confirm a service request"),
        render=render_public_confirm,
        optional=False,
        audience="customer",
    ),
]
