from django.contrib import admin

from core.history import HistoryAdmin

from .models import ServiceContract


@admin.register(ServiceContract)
class ServiceContractAdmin(HistoryAdmin):
    list_display = ("number", "organisation", "starts_on", "ends_on", "coverage", "dedicated_engineer")
    list_filter = ("coverage",)
    search_fields = ("number", "organisation__name")
    list_select_related = ("organisation", "dedicated_engineer")
    autocomplete_fields = ("organisation", "devices")
