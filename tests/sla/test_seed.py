"""The seed migration: the starting policies and their targets, safe to run again."""

import datetime as dt
import importlib

from django.apps import apps

from sla.models import Calendar, CalendarKind, SlaPolicy, SlaTarget, TargetKind
from tests.factories import make_ticket
from tickets.models import Category, Priority

seed = importlib.import_module("sla.migrations.0004_seed_default_policies").seed
H = dt.timedelta(hours=1)


def test_seed_creates_the_seed_plans_policies_once(db):
    seed(apps, None)
    seed(apps, None)
    assert Calendar.objects.get(name="China working days").kind == CalendarKind.WORKING_DAYS
    assert SlaPolicy.objects.get(is_default=True).name == "Standard"
    targets = {(t.policy.name, t.kind): t for t in SlaTarget.objects.select_related("policy", "calendar")}
    assert len(targets) == SlaTarget.objects.count() == 7
    assert targets["Standard", TargetKind.FIRST_RESPONSE].duration == 24 * H
    assert targets["Urgent", TargetKind.FIRST_RESPONSE].duration == 2 * H
    assert targets["In warranty: on site within 12 h", TargetKind.ON_SITE].duration == 12 * H
    solution = targets["Standard", TargetKind.ESCALATION_SOLUTION]
    assert (solution.duration, solution.calendar.kind) == (dt.timedelta(days=7), CalendarKind.WORKING_DAYS)
    reply = targets["Secondary development", TargetKind.DEVELOPMENT_REPLY]
    assert (reply.duration, reply.calendar.kind) == (dt.timedelta(days=7), CalendarKind.ALWAYS)
    assert targets["Standard", TargetKind.INSPECTION_REPORT].duration == dt.timedelta(days=3)


def test_seed_keeps_an_administrators_edits_and_default(db):
    SlaPolicy.objects.create(name="Ours", is_default=True)
    seed(apps, None)
    SlaTarget.objects.filter(policy__name="Urgent").update(duration=H)
    seed(apps, None)
    assert SlaPolicy.objects.get(is_default=True).name == "Ours"
    assert SlaTarget.objects.get(policy__name="Urgent").duration == H


def test_seeded_policies_start_clocks_on_new_cases(db, customer):
    seed(apps, None)
    urgent = make_ticket(contact=customer, priority=Priority.URGENT, category=Category.DEVELOPMENT)
    kinds = dict(urgent.sla_clocks.values_list("kind", "duration"))
    assert kinds == {TargetKind.FIRST_RESPONSE: 2 * H, TargetKind.DEVELOPMENT_REPLY: dt.timedelta(days=7)}


def test_demo_policy_gives_the_organisations_new_cases_a_two_minute_clock(db, customer):
    from django.core.management import call_command

    call_command("sla_demo_policy", organisation=customer.organisation.name)
    call_command("sla_demo_policy", organisation=customer.organisation.name)  # idempotent
    clock = make_ticket(contact=customer, priority=Priority.URGENT).sla_clocks.get()
    assert clock.duration == dt.timedelta(minutes=2)
    assert clock.warn_thresholds == [50, 75]
    call_command("sla_demo_policy", remove=True)
    assert not SlaPolicy.objects.exists()
