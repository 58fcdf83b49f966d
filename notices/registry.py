"""Kinds of notice: each room registers how its notices read from its ``AppConfig.ready()``.

``notices`` sits below every room, so it cannot know what an SLA breach or a survey says; the
room that owns a kind hands over a renderer instead (the pattern of ``tickets/hooks.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Notice


@dataclass(frozen=True)
class NoticeKind:
    key: str  # "<room>.<what>", e.g. "sla.breach"
    label: str  # gettext_lazy: shown in the outbox filter and on the preferences page
    render: Callable[[Notice], tuple[str, str]]  # (subject, body), called in the recipient's language and zone
    optional: bool = True  # the recipient may turn it off on the preferences page
    # Who receives it: "staff", "customer" or "all"; the preferences page lists only a reader's own.
    audience: str = "all"
    # Called after the notice was delivered (or had no address to go to): e.g. the survey's sent_at.
    on_delivered: Callable[[Notice], None] | None = None


class NoticeNotNeeded(Exception):  # noqa: N818 (a signal, not an error)
    """Raised by a renderer when the notice no longer makes sense (the survey was answered
    before its email left): the notice is marked skipped instead of sent."""


_KINDS: dict[str, NoticeKind] = {}


def register_notice_kind(kind: NoticeKind) -> None:
    _KINDS[kind.key] = kind


def notice_kind(key: str) -> NoticeKind:
    """The registered kind; KeyError for a key no room registered (a typo, or a room not installed)."""
    return _KINDS[key]


def notice_kinds(*, for_staff: bool | None = None) -> list[NoticeKind]:
    """Every registered kind; with ``for_staff``, only those a staff member (or a customer) receives."""
    kinds = sorted(_KINDS.values(), key=lambda k: k.key)
    if for_staff is None:
        return kinds
    mine = "staff" if for_staff else "customer"
    return [k for k in kinds if k.audience in ("all", mine)]
