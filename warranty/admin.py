from django.contrib import admin

from .models import ServiceContract


@admin.register(ServiceContract)
class ServiceContractAdmin(admin.ModelAdmin):
    list_display = ("number", "organisation", "starts_on", "ends_on", "coverage", "dedicated_engineer")
    list_filter = ("coverage",)
    search_fields = ("number", "organisation__name")
    list_select_related = ("organisation", "dedicated_engineer")
    autocomplete_fields = ("organisation", "devices")
