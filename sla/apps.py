from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    """Service-level clocks: a concern of its own above the case lifecycle, driven by its signals."""

    name = "sla"
    verbose_name = _("Service levels")

    def ready(self) -> None:
        from notices.registry import register_notice_kind
        from tickets.events import register_event_kind
        from tickets.hooks import register_case_panel, register_queue_column

        from . import receivers  # noqa: F401
        from .clocks import SLA_EVENT
        from .notices import KINDS
        from .panels import SLA_PANEL, SLA_QUEUE_COLUMN

        register_case_panel(SLA_PANEL)
        register_queue_column(SLA_QUEUE_COLUMN)
        register_event_kind(SLA_EVENT, _("Service level"), template="sla/timeline_event.html")
        for kind in KINDS.values():
            register_notice_kind(kind)
