from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (the audit log's signal receivers)
        from .services import role_groups_ensure

        # After every migrate (including the test database's), so permissions exist.
        post_migrate.connect(lambda **kwargs: role_groups_ensure(), dispatch_uid="role_groups_ensure", weak=False)
