"""Dispatch's timeline entries (registered with tickets.events in DispatchConfig.ready)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchEvent(models.TextChoices):
    DISPATCH = "dispatch", _("Dispatch")
    CHASED = "chased", _("Chased")
    ESCALATED = "escalated", _("Escalated")
    REMOTE = "remote", _("Remote support")
    VISIT = "visit", _("On-site visit")
    REPORT = "report", _("Fault-handling report")
