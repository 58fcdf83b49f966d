from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from notices.registry import register_notice_kind
        from tickets.hooks import register_event_template, register_todo_provider

        from . import receivers  # noqa: F401
        from .notices import KINDS
        from .todos import surveys_to_answer

        register_todo_provider("surveys", surveys_to_answer)
        register_event_template("survey", "surveys/timeline_event.html")
        for kind in KINDS:
            register_notice_kind(kind)
