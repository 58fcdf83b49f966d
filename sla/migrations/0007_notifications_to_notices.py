"""Copy the SLA outbox rows into the product's one outbox (notices), keeping read and sent state."""

from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Notification = apps.get_model("sla", "Notification")
    Notice = apps.get_model("notices", "Notice")
    site = settings.SITE_URL.rstrip("/")
    batch = []
    rows = Notification.objects.select_related("ticket", "clock").order_by("pk")
    for note in rows.iterator(chunk_size=1000):
        ticket, clock = note.ticket, note.clock
        batch.append(
            Notice(
                recipient_id=note.recipient_id,
                kind=f"sla.{note.kind}",
                data={
                    "reference": ticket.reference,
                    "subject": ticket.subject,
                    "clock": note.clock_id,
                    "target": clock.kind if clock else "",
                    "deadline": clock.deadline.isoformat() if clock else None,
                    "level": note.level,
                },
                link=f"{site}/staff/cases/{ticket.reference}/",
                ticket_id=note.ticket_id,
                subject_ref=f"{ticket.reference} {ticket.subject}"[:200],
                dedupe_key=f"sla:{note.clock_id}:{note.kind}:{note.level}:{note.recipient_id}" if note.clock_id else "",
                # Unsent rows go out through the outbox; their old claim (sent_at) meant sent.
                status="sent" if note.sent_at else "pending",
                sent_at=note.sent_at,
                read_at=note.read_at,
                next_attempt_at=note.created_at,
                created_at=note.created_at,
            )
        )
        if len(batch) >= 1000:
            Notice.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Notice.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0006_rename_warning_thresholds_label"),
        ("notices", "0001_initial"),
        ("tickets", "0002_add_sla_event_kind"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
