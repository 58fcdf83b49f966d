from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from notices.registry import register_notice_kind

        from . import receivers  # noqa: F401
        from .notices import KINDS

        for kind in KINDS:
            register_notice_kind(kind)
