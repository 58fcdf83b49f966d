"""Every change to a setting managers own (the models with change history) is also a line of the
security audit log: who changed what, from where."""

from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from accounts.models import SecurityEventKind
from accounts.security import security_event_record


@receiver(post_create_historical_record, dispatch_uid="settings_change_audited")
def audit_settings_change(sender, instance, history_instance, history_user=None, **kwargs):
    if history_user is None:
        return  # a migration's baseline or a command, not a person
    request = getattr(HistoricalRecords.context, "request", None)
    security_event_record(
        SecurityEventKind.SETTINGS_CHANGED,
        history_user,
        request,
        {
            "model": instance._meta.label,
            "object": instance.pk,
            "name": str(instance)[:200],
            "change": {"+": "created", "~": "changed", "-": "deleted"}.get(history_instance.history_type, ""),
        },
    )
