"""Administrators' and managers' back office for dispatch settings: roster, profiles, certificates, modes.

Case-bound records (visits, sessions, logs, reports) are read-only here: they change only through
the services, which lock the case and write its timeline.
"""

from django.contrib import admin

from core.history import HistoryAdmin

from .models import (
    Certification,
    CommandLog,
    DispatchPolicy,
    DutyShift,
    EngineerProfile,
    FaultReport,
    RemoteSession,
    Visit,
)


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["engineer", "kind", "starts_at", "ends_at", "on_call_phone", "department", "organisation"]
    list_filter = ["kind", "department"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["engineer", "created_by"]


@admin.register(EngineerProfile)
class EngineerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "max_open_cases"]
    raw_id_fields = ["user"]


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = ["engineer", "name", "product_line", "covers_patches", "valid_until"]
    list_filter = ["covers_patches"]
    raw_id_fields = ["engineer"]


@admin.register(DispatchPolicy)
class DispatchPolicyAdmin(HistoryAdmin):
    list_display = ["department", "mode", "auto_rule", "accept_minutes", "enforce_load_limit"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RemoteSession)
class RemoteSessionAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "target_system", "status", "approval_channel", "approved_at"]
    list_filter = ["status", "approval_channel"]


@admin.register(CommandLog)
class CommandLogAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "filename", "size", "sha256", "created_at"]


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "engineer", "status", "arrived_at", "finished_at"]
    list_filter = ["status"]


@admin.register(FaultReport)
class FaultReportAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "product", "created_at"]
    search_fields = ["symptom", "cause"]
