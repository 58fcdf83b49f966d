"""Dispatch reacts to the lifecycle (tickets never imports dispatch): acceptance clock, automatic dispatch."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core.cache import cache_forget
from tickets.signals import ticket_created, ticket_transitioned

from .models import DispatchPolicy
from .services import assignment


@receiver(ticket_transitioned, dispatch_uid="dispatch_on_transition")
def track_acceptance(sender, ticket, action, from_status, **kwargs):
    assignment.on_transition(ticket=ticket, action=action, from_status=from_status)


@receiver(ticket_created, dispatch_uid="dispatch_on_created")
def dispatch_new_case(sender, ticket, **kwargs):
    assignment.on_created(ticket=ticket)


@receiver(post_save, sender=DispatchPolicy, dispatch_uid="dispatch_policy_saved")
@receiver(post_delete, sender=DispatchPolicy, dispatch_uid="dispatch_policy_deleted")
def forget_auto_departments(sender, **kwargs):
    cache_forget(assignment.AUTO_DEPARTMENTS_KEY)
