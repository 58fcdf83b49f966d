from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from notices.registry import register_notice_kind
        from tickets.events import register_event_kind
        from tickets.hooks import register_case_panel, register_page_panel, register_todo_provider
        from tickets.lifecycle import Action, register_transition_guard

        from . import receivers  # noqa: F401
        from .events import DispatchEvent
        from .notices import KINDS
        from .panels import CHASED_PANEL, ON_DUTY_PANEL, PORTAL_PANEL, STAFF_PANEL
        from .services.assignment import assign_guard
        from .todos import approvals_to_give

        register_case_panel(STAFF_PANEL)
        register_case_panel(PORTAL_PANEL)
        register_page_panel(ON_DUTY_PANEL)
        register_page_panel(CHASED_PANEL)
        register_todo_provider("dispatch", approvals_to_give)
        register_transition_guard(Action.ASSIGN, "dispatch.certificates", assign_guard)
        for kind in DispatchEvent:
            register_event_kind(kind.value, kind.label)
        for kind in KINDS:
            register_notice_kind(kind)
