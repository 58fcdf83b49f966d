"""A policy that falls due in minutes, to watch warnings and breaches happen with `make run`."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers.models import Organisation
from sla.models import Calendar, CalendarKind, ClockEvent, SlaPolicy, SlaTarget, TargetKind

NAME = "Demo: 2-minute first response"


class Command(BaseCommand):
    help = (
        "Create (or update) a policy giving one organisation's new cases a first-response target of a few "
        "minutes, with warnings at 50% and 75%. Cases created afterwards warn and breach on their own."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisation", default="Pearl River Logistics", help="organisation name (demo data)")
        parser.add_argument("--minutes", type=int, default=2)
        parser.add_argument("--remove", action="store_true", help="delete the demo policy instead")

    @transaction.atomic
    def handle(self, *args, organisation, minutes, remove, **options):
        if remove:
            deleted, _ = SlaPolicy.objects.filter(name=NAME).delete()
            self.stdout.write(f"Removed {deleted} row(s).")
            return
        if minutes < 1:
            raise CommandError("--minutes must be at least 1")
        try:
            org = Organisation.objects.get(name=organisation)
        except Organisation.DoesNotExist:
            raise CommandError(f"No organisation named {organisation!r} (load the demo data first)") from None
        calendar, _ = Calendar.objects.get_or_create(
            name="7×24", defaults={"kind": CalendarKind.ALWAYS, "follow_china_calendar": False}
        )
        policy, _ = SlaPolicy.objects.update_or_create(
            name=NAME, defaults={"organisation": org, "is_active": True, "is_default": False}
        )
        SlaTarget.objects.update_or_create(
            policy=policy,
            kind=TargetKind.FIRST_RESPONSE,
            defaults={
                "duration": timedelta(minutes=minutes),
                "calendar": calendar,
                "start_event": ClockEvent.CREATED,
                "stop_event": ClockEvent.FIRST_PUBLIC_REPLY,
                "pause_statuses": ["waiting"],
                "warn_thresholds": [50, 75],
            },
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"“{NAME}”: new cases of {org.name} must get a first response within {minutes} min "
                "(warnings at 50% and 75%). Existing cases keep their terms."
            )
        )
