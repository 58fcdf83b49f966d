from django import forms
from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin

from .calendars import unofficial_years
from .models import Calendar, CalendarDay, CalendarYear, SlaClock, SlaPolicy, SlaTarget, WorkingHours
from .services import sla_policy_reapply


class UnofficialYearsWarningMixin:
    """Administrators see, on every calendar page, which years are only estimated."""

    def changelist_view(self, request, extra_context=None):
        years = unofficial_years()
        if years:
            messages.warning(
                request,
                gettext(
                    "No official working-day schedule for %(years)s yet: deadlines there are provisional "
                    "(weekends and statutory holidays only). Enter the adjusted days as calendar days and "
                    "confirm the year, or update the chinesecalendar package."
                )
                % {"years": ", ".join(map(str, years))},
            )
        return super().changelist_view(request, extra_context)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(UnofficialYearsWarningMixin, HistoryAdmin):
    list_display = ["name", "kind", "time_zone", "follow_china_calendar"]
    inlines = [WorkingHoursInline]
    history_related = [(WorkingHours, "calendar")]


@admin.register(CalendarDay)
class CalendarDayAdmin(UnofficialYearsWarningMixin, HistoryAdmin):
    list_display = ["date", "is_working", "note"]
    list_filter = ["is_working"]
    date_hierarchy = "date"


@admin.register(CalendarYear)
class CalendarYearAdmin(UnofficialYearsWarningMixin, HistoryAdmin):
    list_display = ["year", "note", "confirmed_at"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    # The JSON lists are short ("["waiting"]", "[75, 90]"): a one-line box keeps the row on the screen.
    formfield_overrides = {models.JSONField: {"widget": forms.Textarea(attrs={"rows": 1, "cols": 16})}}


@admin.register(SlaPolicy)
class SlaPolicyAdmin(HistoryAdmin):
    list_display = ["name", "is_default", "is_active", "contract", "organisation", "priority", "category"]
    list_filter = ["is_active", "priority", "category"]
    list_select_related = ["contract__organisation", "organisation"]
    autocomplete_fields = ["organisation"]
    inlines = [SlaTargetInline]
    actions = ["reapply_to_running_clocks"]
    history_related = [(SlaTarget, "policy")]

    # Saving a policy clears the policy cache (receivers), so new cases take the new terms at once;
    # running clocks keep theirs (sla/RULES.md, R7) until a manager applies them with this action.
    @admin.action(description=_("Apply the current terms to running clocks"), permissions=["change"])
    def reapply_to_running_clocks(self, request, queryset):
        changed = sum(sla_policy_reapply(policy_id=p.pk, actor=request.user) for p in queryset)
        self.message_user(request, ngettext("%d running clock moved.", "%d running clocks moved.", changed) % changed)


@admin.register(SlaClock)
class SlaClockAdmin(admin.ModelAdmin):
    list_display = ["ticket", "kind", "state", "deadline", "breached_at", "warning_level", "provisional"]
    list_filter = ["state", "kind", "provisional"]
    list_select_related = ["ticket"]
    search_fields = ["ticket__reference"]
    date_hierarchy = "deadline"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # clocks change only through the lifecycle and the sweep
