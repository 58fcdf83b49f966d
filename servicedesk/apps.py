from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = "service desk"

    def ready(self) -> None:
        from . import receivers  # noqa: F401


class DeskAdminConfig(admin_apps.AdminConfig):
    default = False  # servicedesk's own config stays the default for "servicedesk"
    default_site = "servicedesk.admin_site.DeskAdminSite"
