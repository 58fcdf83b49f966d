"""The registry of timeline entry kinds: each room declares the kinds it owns (see ``tickets.events``).

Kept apart from ``events`` so that the model (which labels an entry by its kind) and the write API
both read it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import Promise


@dataclass(frozen=True)
class EventKindSpec:
    key: str
    label: str | Promise
    template: str = ""  # renders ``event.data`` on the timeline (``event`` in its context)


_kinds: dict[str, EventKindSpec] = {}


def register_event_kind(key: str, label: str | Promise, *, template: str = "") -> None:
    """Declare a timeline entry kind (again with the same key replaces it: ``ready()`` may run twice)."""
    _kinds[key] = EventKindSpec(key, label, template)


def event_kind(key: str) -> EventKindSpec | None:
    return _kinds.get(key)
