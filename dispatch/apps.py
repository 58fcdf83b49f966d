from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from notices.registry import register_notice_kind
        from tickets.hooks import register_case_panel, register_page_panel, register_todo_provider

        from . import receivers  # noqa: F401
        from .notices import KINDS
        from .panels import CHASED_PANEL, ON_DUTY_PANEL, PORTAL_PANEL, STAFF_PANEL
        from .todos import approvals_to_give

        register_case_panel(STAFF_PANEL)
        register_case_panel(PORTAL_PANEL)
        register_page_panel(ON_DUTY_PANEL)
        register_page_panel(CHASED_PANEL)
        register_todo_provider("dispatch", approvals_to_give)
        for kind in KINDS:
            register_notice_kind(kind)
