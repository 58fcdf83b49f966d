"""The managers' settings at /manage/: a second admin site, scoped to the settings they own.

Managers, project managers and administrators are not ``is_staff`` (that is the full /admin/,
for superusers); this site lets in the supervisor roles, and each model's pages follow the
permissions their role's group carries (``accounts.roles.SETTINGS_PERMISSIONS``). Only the models
registered here are reachable: users, groups and tokens are not. Each app's own ModelAdmin is
reused, so /admin/ and /manage/ show the same forms, actions and change history.
"""

from functools import update_wrapper

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.two_factor import two_factor_step
from customers.admin import DeviceAdmin, OrganisationAdmin
from customers.models import Device, Organisation
from dispatch.admin import DispatchPolicyAdmin
from dispatch.models import DispatchPolicy
from sla.admin import CalendarAdmin, CalendarDayAdmin, CalendarYearAdmin, SlaPolicyAdmin
from sla.models import Calendar, CalendarDay, CalendarYear, SlaPolicy
from surveys.admin import SurveySettingsAdmin
from surveys.models import SurveySettings
from tickets.admin import DepartmentAdmin, RoutingRuleAdmin
from tickets.models import Department, RoutingRule
from warranty.admin import ServiceContractAdmin
from warranty.models import ServiceContract


class ManageSite(admin.AdminSite):
    site_header = _("Service desk settings")
    site_title = _("Settings")
    index_title = _("Service levels, calendars, dispatch and contracts")
    site_url = "/"  # "View site" goes back to the desk

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and user.is_authenticated and user.is_supervisor and two_factor_step(request) is None

    def admin_view(self, view, cacheable=False):
        """Anonymous visitors go to the desk's one login page; other roles are refused (403)."""
        inner = super().admin_view(view, cacheable)

        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return update_wrapper(wrapper, inner)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or reverse("manage:index"))

    def logout(self, request, extra_context=None):
        return auth_views.LogoutView.as_view()(request)


class LookupOnly:
    """Registered only so the settings forms can search organisations and devices; not listed."""

    def has_module_permission(self, request) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class OrganisationLookup(LookupOnly, OrganisationAdmin):
    inlines = []


class DeviceLookup(LookupOnly, DeviceAdmin):
    autocomplete_fields = ()


site = ManageSite(name="manage")
site.register(SlaPolicy, SlaPolicyAdmin)
site.register(Calendar, CalendarAdmin)
site.register(CalendarDay, CalendarDayAdmin)
site.register(CalendarYear, CalendarYearAdmin)
site.register(DispatchPolicy, DispatchPolicyAdmin)
site.register(Department, DepartmentAdmin)
site.register(RoutingRule, RoutingRuleAdmin)
site.register(ServiceContract, ServiceContractAdmin)
site.register(SurveySettings, SurveySettingsAdmin)
site.register(Organisation, OrganisationLookup)
site.register(Device, DeviceLookup)
