from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """The one notification outbox: every room writes its notices here and this app delivers them.

    It sits just above ``core`` and imports no other app of the service desk: the rooms above
    register their kinds (how a notice reads) from their own ``AppConfig.ready()``.
    """

    name = "notices"
    verbose_name = _("Notifications")
