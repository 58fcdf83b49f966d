from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Service desk"), {"fields": ("phone", "organisation", "department", "language", "time_zone")}),
    )
    list_display = ("username", "email", "get_full_name", "phone", "organisation", "department", "is_active")
    list_filter = ("groups", "organisation", "department", "is_active")
    search_fields = ("username", "email", "first_name", "last_name", "phone")
    list_select_related = ("organisation", "department")
    autocomplete_fields = ("organisation",)
