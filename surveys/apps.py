from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from notices.registry import register_notice_kind
        from tickets.events import register_event_kind
        from tickets.hooks import CaseFact, register_case_fact, register_todo_provider

        from . import receivers  # noqa: F401
        from .notices import KINDS
        from .selectors import annotate_survey_round
        from .services import SURVEY_EVENT
        from .todos import surveys_to_answer

        register_todo_provider("surveys", surveys_to_answer)
        register_case_fact(CaseFact(name="survey_round", label=_("Survey rounds"), annotate=annotate_survey_round))
        register_event_kind(SURVEY_EVENT, _("Survey"), template="surveys/timeline_event.html")
        for kind in KINDS:
            register_notice_kind(kind)
