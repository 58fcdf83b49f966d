"""How SLA warnings and breaches read: registered as notice kinds from ``SlaConfig.ready()``.

The notice's data holds the facts (case reference and subject, target, deadline, level); the text
is rendered at delivery in the recipient's language and time zone.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from notices.registry import NoticeKind

from .models import NotificationKind, TargetKind


def _target(notice: Notice) -> str:
    target = notice.data.get("target", "")
    return str(TargetKind(target).label) if target in TargetKind.values else target


def _values(notice: Notice) -> dict:
    deadline = notice.data.get("deadline")
    when = timezone.localtime(dt.datetime.fromisoformat(deadline)).strftime("%Y-%m-%d %H:%M") if deadline else ""
    return {
        "target": _target(notice),
        "reference": notice.data.get("reference", ""),
        "subject": notice.data.get("subject", ""),
        "deadline": when,
        "level": notice.data.get("level", 100),
    }


def render_breach(notice: Notice) -> tuple[str, str]:
    values = _values(notice)
    subject = gettext("SLA breached: %(target)s on %(reference)s") % values
    text = gettext("The %(target)s deadline of %(reference)s (%(subject)s) passed at %(deadline)s.") % values
    return subject, f"{text}\n\n{notice.link}\n"


def render_warning(notice: Notice) -> tuple[str, str]:
    values = _values(notice)
    subject = gettext("SLA warning: %(target)s on %(reference)s") % values
    text = (
        gettext("%(level)s%% of the %(target)s time of %(reference)s (%(subject)s) is used; deadline %(deadline)s.")
        % values
    )
    return subject, f"{text}\n\n{notice.link}\n"


KINDS: dict[str, NoticeKind] = {
    # A breach is always told; a manager may turn the early warnings off.
    NotificationKind.BREACH: NoticeKind(
        key="sla.breach", label=_("SLA breach"), render=render_breach, optional=False, audience="staff"
    ),
    NotificationKind.WARNING: NoticeKind(
        key="sla.warning", label=_("SLA warning"), render=render_warning, audience="staff"
    ),
}
