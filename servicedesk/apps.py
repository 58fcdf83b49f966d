from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = "service desk"

    def ready(self) -> None:
        from . import receivers  # noqa: F401
