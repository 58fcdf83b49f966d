from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import SecurityEvent, User


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


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security audit log: superusers read it; nobody edits or deletes a line."""

    list_display = ("at", "kind", "user", "username", "ip_address", "path")
    list_filter = ("kind", ("at", admin.DateFieldListFilter))
    search_fields = ("username", "ip_address", "path")
    list_select_related = ("user",)
    readonly_fields = ("at", "kind", "user", "username", "ip_address", "user_agent", "path", "detail")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
