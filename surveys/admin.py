from django.contrib import admin
from django.shortcuts import redirect

from core.history import HistoryAdmin

from .models import Survey, SurveySettings


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("ticket", "round", "email", "sent_at", "outcome", "score", "answered_at")
    list_filter = ("outcome",)
    search_fields = ("ticket__reference", "email")
    list_select_related = ("ticket",)
    exclude = ("token",)  # the token is the customer's key to answer: staff never need to see it
    show_full_result_count = False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Survey._meta.fields if f.name != "token"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SurveySettings)
class SurveySettingsAdmin(HistoryAdmin):
    list_display = ("__str__", "satisfied_score", "no_answer_days")

    def add_view(self, request, form_url="", extra_context=None):
        # One row: once saved, "add" opens it for changing (checked here, not on every page's menu).
        existing = SurveySettings.objects.first()
        if existing is not None:
            return redirect(f"{self.admin_site.name}:surveys_surveysettings_change", existing.pk)
        return super().add_view(request, form_url, extra_context)

    def has_delete_permission(self, request, obj=None):
        return False
