"""The full Django admin (/admin/, for superusers), refusing a session that still owes its second factor."""

from django.contrib import admin

from accounts.two_factor import two_factor_step


class DeskAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        # TwoFactorMiddleware already sends such a session to its step; this holds even without it.
        return super().has_permission(request) and two_factor_step(request) is None
