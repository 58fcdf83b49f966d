"""The lifecycle drives the clocks: each signal arrives inside the case's transaction, row locked."""

import datetime

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from core.cache import cache_forget
from tickets.lifecycle import Action, Status
from tickets.signals import ticket_commented, ticket_created, ticket_milestone, ticket_transitioned, ticket_updated

from . import clocks
from .models import (
    OPEN_CLOCK_STATES,
    Calendar,
    CalendarDay,
    CalendarYear,
    ClockEvent,
    SlaClock,
    SlaPolicy,
    SlaTarget,
    WorkingHours,
)

ACTION_EVENTS = {Action.ASSIGN: ClockEvent.ASSIGNED, Action.START: ClockEvent.ACCEPTED}


@receiver(ticket_created, dispatch_uid="sla_on_created")
def start_clocks_on_created(sender, ticket, actor, **kwargs):
    clocks.clocks_start(ticket=ticket, event=ClockEvent.CREATED, at=ticket.created_at, actor=actor, new_case=True)


@receiver(ticket_milestone, dispatch_uid="sla_on_milestone")
def clocks_on_milestone(sender, ticket, milestone, actor, at, **kwargs):
    """Another room reported a milestone (visit decided, engineer arrived, escalated…): stop what it ends, start what it begins."""
    clocks.clocks_stop(ticket=ticket, event=milestone, at=at, actor=actor)
    clocks.clocks_start(ticket=ticket, event=milestone, at=at, actor=actor)


@receiver(ticket_transitioned, dispatch_uid="sla_on_transition")
def drive_clocks_on_transition(sender, ticket, action, from_status, to_status, actor, **kwargs):
    now = timezone.now()
    # A public staff note on this transition may be the first response.
    clocks.clocks_first_response(ticket=ticket, actor=actor)
    if action == Action.RESOLVE:
        clocks.clocks_resolved(ticket=ticket, at=now, actor=actor)
        return
    if action == Action.CANCEL:
        clocks.clocks_cancel(ticket=ticket, at=now, actor=actor)
        return
    if action == Action.REOPEN:
        clocks.clocks_reopened(ticket=ticket, status=to_status, at=now)
    event = ACTION_EVENTS.get(action)
    if event:
        clocks.clocks_stop(ticket=ticket, event=event, at=now, actor=actor)
    if from_status != to_status:
        clocks.clocks_resume(ticket=ticket, status=to_status, at=now)
        clocks.clocks_pause(ticket=ticket, status=to_status, at=now)
    if event:
        clocks.clocks_start(ticket=ticket, event=event, at=now, actor=actor)


@receiver(ticket_commented, dispatch_uid="sla_on_comment")
def stop_clocks_on_first_response(sender, ticket, event, actor, **kwargs):
    clocks.clocks_first_response(ticket=ticket, actor=actor)


@receiver(ticket_updated, dispatch_uid="sla_on_update")
def retarget_clocks_on_priority_change(sender, ticket, changes, actor, **kwargs):
    if {"priority", "category", "device"} & set(changes) and ticket.status != Status.RESOLVED:
        clocks.clocks_retarget(ticket=ticket, at=timezone.now(), actor=actor)


# --- calendar corrections: provisional deadlines recomputed (sla/RULES.md, R9) --------------


def _recompute_around(day: datetime.date) -> None:
    # A day a clock has not reached or already passed cannot move its deadline; a day of margin
    # on each side covers the time-zone difference between the calendar and UTC.
    start = datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(), tzinfo=datetime.UTC)
    end = start + datetime.timedelta(days=3)
    affected = SlaClock.objects.filter(state__in=OPEN_CLOCK_STATES, base_at__lt=end, deadline__gte=start)
    clocks.clocks_recompute(affected | SlaClock.objects.filter(state__in=OPEN_CLOCK_STATES, provisional=True))


@receiver(post_save, sender=CalendarDay, dispatch_uid="sla_day_saved")
@receiver(post_delete, sender=CalendarDay, dispatch_uid="sla_day_deleted")
def recompute_on_calendar_day(sender, instance, **kwargs):
    _recompute_around(instance.date)


@receiver(post_save, sender=CalendarYear, dispatch_uid="sla_year_saved")
@receiver(post_delete, sender=CalendarYear, dispatch_uid="sla_year_deleted")
def recompute_on_calendar_year(sender, instance, **kwargs):
    clocks.clocks_recompute(
        SlaClock.objects.filter(
            state__in=OPEN_CLOCK_STATES, deadline__year__gte=instance.year, base_at__year__lte=instance.year
        )
    )


@receiver([post_save, post_delete], sender=SlaPolicy, dispatch_uid="sla_policy_changed")
@receiver([post_save, post_delete], sender=SlaTarget, dispatch_uid="sla_target_changed")
@receiver([post_save, post_delete], sender=Calendar, dispatch_uid="sla_calendar_changed")
@receiver([post_save, post_delete], sender=WorkingHours, dispatch_uid="sla_working_hours_changed")
def forget_active_policies(sender, **kwargs):
    """New clocks take new terms at once; running ones keep theirs (sla/RULES.md, R7)."""
    cache_forget(clocks.POLICY_CACHE_KEY)
