"""How clocks read on the pages: "3 h 12 min left", "overdue by 25 min", a state badge."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy, pgettext

from tickets.models import Priority

from ..models import ClockState, SlaClock, TargetKind
from ..selectors import time_left

register = template.Library()

_BADGES = {
    ClockState.RUNNING: "text-bg-primary",
    ClockState.PAUSED: "text-bg-warning",
    ClockState.MET: "text-bg-success",
    ClockState.BREACHED: "text-bg-danger",
    ClockState.CANCELLED: "text-bg-secondary",
}


@register.filter
def duration_short(value: dt.timedelta | float | int | None) -> str:
    """A duration as people say it: "2 d 4 h", "3 h 12 min", "25 min", "< 1 min"."""
    if value is None:
        return "—"
    seconds = abs(int(value.total_seconds() if isinstance(value, dt.timedelta) else value))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return gettext("%(d)s d %(h)s h") % {"d": days, "h": hours} if hours else gettext("%(d)s d") % {"d": days}
    if hours:
        return (
            gettext("%(h)s h %(m)s min") % {"h": hours, "m": minutes} if minutes else gettext("%(h)s h") % {"h": hours}
        )
    if minutes:
        return gettext("%(m)s min") % {"m": minutes}
    return gettext("< 1 min")


@register.simple_tag
def clock_left(clock: SlaClock, now: dt.datetime | None = None) -> str:
    """ "3 h 12 min left" or "overdue by 25 min" for an open clock; empty for a stopped one."""
    if not clock.is_open:
        return ""
    left = time_left(clock, now or timezone.now())
    if left.total_seconds() < 0:
        return gettext("overdue by %(duration)s") % {"duration": duration_short(left)}
    return gettext("%(duration)s left") % {"duration": duration_short(left)}


@register.simple_tag
def clock_badges(clock: SlaClock) -> str:
    """The state badge, a breach badge on an open clock past its deadline, and "provisional"."""
    html = format_html('<span class="badge {}">{}</span>', _BADGES.get(clock.state, ""), clock.get_state_display())
    if clock.is_open and clock.breached_at:
        html += format_html(' <span class="badge text-bg-danger">{}</span>', pgettext("SLA clock", "Breached"))
    elif clock.is_open and clock.warning_level:
        html += format_html(
            ' <span class="badge text-bg-warning">{}</span>',
            gettext("Warning: %(level)s%% used") % {"level": clock.warning_level},
        )
    if clock.provisional:
        html += format_html(
            ' <span class="badge text-bg-light border" title="{}">{}</span>',
            gettext("Counted on a year without an official working-day schedule yet"),
            gettext("Provisional"),
        )
    return html


@register.filter
def target_label(kind: str) -> str:
    return TargetKind(kind).label if kind in TargetKind.values else kind


@register.filter
def priority_label(priority: str) -> str:
    return Priority(priority).label if priority in Priority.values else priority


@register.simple_tag
def queue_time_left(ticket) -> str:
    """The queue cell: time left on the case's most pressing open clock (annotated by the queue)."""
    deadline = getattr(ticket, "sla_deadline", None)
    if deadline is None:
        return ""
    left = deadline - (ticket.sla_paused_at or timezone.now())
    label = target_label(ticket.sla_kind)
    if left.total_seconds() < 0:
        css, text = "text-danger fw-semibold", gettext("overdue by %(duration)s") % {"duration": duration_short(left)}
    else:
        css, text = ("text-warning-emphasis" if left.total_seconds() < 3600 else ""), duration_short(left)
    if ticket.sla_paused_at:
        css, text = "text-body-secondary", gettext("%(duration)s (paused)") % {"duration": duration_short(left)}
    return format_html(
        '<span class="{}" title="{}"><time datetime="{}">{}</time></span>', css, label, deadline.isoformat(), text
    )


_EVENT_TEXT = {
    "started": gettext_lazy("%(target)s started, due %(deadline)s"),
    "paused": gettext_lazy("%(target)s paused (waiting for the customer)"),
    "resumed": gettext_lazy("%(target)s running again, due %(deadline)s"),
    "reopened": gettext_lazy("%(target)s continues after reopening, due %(deadline)s"),
    "warning": gettext_lazy("%(target)s: %(level)s%% of the time used, due %(deadline)s"),
    "breach": gettext_lazy("%(target)s breached: the deadline %(deadline)s has passed"),
    "stopped": gettext_lazy("%(target)s stopped: %(outcome)s"),
    "cancelled": gettext_lazy("%(target)s cancelled"),
    "retargeted": gettext_lazy("%(target)s: priority changed, now due %(deadline)s"),
    "reapplied": gettext_lazy("%(target)s: policy re-applied, now due %(deadline)s"),
    "recomputed": gettext_lazy("%(target)s: official calendar entered, now due %(deadline)s"),
}


@register.simple_tag
def sla_event_text(data: dict) -> str:
    """One SLA timeline entry in the reader's language and time zone (the facts live in event.data)."""
    what = data.get("sla", "")
    text = _EVENT_TEXT.get(what)
    if text is None:
        return ""
    deadline = ""
    if data.get("deadline"):
        deadline = date_format(timezone.localtime(dt.datetime.fromisoformat(data["deadline"])), "Y-m-d H:i")
    outcome = data.get("outcome", "")
    return str(text) % {
        "target": target_label(data.get("target", "")),
        "deadline": deadline,
        "level": data.get("level", ""),
        "outcome": ClockState(outcome).label if outcome in ClockState.values else outcome,
    }
