from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: plumbing every app may use (task queueing, pagination, API errors, phone
    numbers, links). It imports no other app of the service desk."""

    name = "core"
    verbose_name = "core"
