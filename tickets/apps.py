from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from notices.registry import register_notice_kind

        from . import receivers  # noqa: F401
        from .kinds import register_event_kind
        from .models import EventKind
        from .notices import KINDS

        for event in EventKind:
            register_event_kind(event.value, event.label)
        for kind in KINDS:
            register_notice_kind(kind)
