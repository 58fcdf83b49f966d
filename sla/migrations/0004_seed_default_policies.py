"""The service promises made to customers, as the starting policies (the list below).

Idempotent: calendars and policies are matched by name and never overwritten, so an
administrator's edits survive; targets are added only where a policy lacks that kind.
A policy is made the default only if no default exists yet.
"""

from datetime import timedelta

from django.db import migrations

H = timedelta(hours=1)
D = timedelta(days=1)

CALENDARS = {
    # name: (kind, follows China's official calendar)
    "7×24": ("7x24", False),
    "China working days": ("working_days", True),
}

# name, matching (field: value), targets: (kind, duration, calendar, start event, stop event)
POLICIES = [
    (
        "Standard",
        {"is_default": True},
        [
            ("first_response", 24 * H, "7×24", "created", "first_public_reply"),
            ("on_site", 24 * H, "7×24", "onsite_decided", "onsite_arrived"),
            ("escalation_solution", 7 * D, "China working days", "escalated", "solution_given"),
            ("inspection_report", 3 * D, "China working days", "inspection_done", "inspection_reported"),
        ],
    ),
    (
        "Urgent",
        {"priority": "urgent"},
        [("first_response", 2 * H, "7×24", "created", "first_public_reply")],
    ),
    (
        "In warranty: on site within 12 h",
        {"device_in_warranty": True},
        [("on_site", 12 * H, "7×24", "onsite_decided", "onsite_arrived")],
    ),
    (
        "Secondary development",
        {"category": "development"},
        [("development_reply", 7 * D, "7×24", "created", "development_replied")],
    ),
]


def seed(apps, schema_editor):
    Calendar = apps.get_model("sla", "Calendar")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    SlaTarget = apps.get_model("sla", "SlaTarget")
    calendars = {
        name: Calendar.objects.get_or_create(
            name=name, defaults={"kind": kind, "time_zone": "Asia/Shanghai", "follow_china_calendar": china}
        )[0]
        for name, (kind, china) in CALENDARS.items()
    }
    has_default = SlaPolicy.objects.filter(is_default=True).exists()
    for name, matching, targets in POLICIES:
        matching = dict(matching)
        if matching.get("is_default") and has_default:
            matching["is_default"] = False
        policy, _ = SlaPolicy.objects.get_or_create(name=name, defaults=matching)
        for kind, duration, calendar, start, stop in targets:
            SlaTarget.objects.get_or_create(
                policy=policy,
                kind=kind,
                defaults={
                    "duration": duration,
                    "calendar": calendars[calendar],
                    "start_event": start,
                    "stop_event": stop,
                    "pause_statuses": ["waiting"],
                    "warn_thresholds": [75, 90],
                },
            )


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0003_notifications"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
