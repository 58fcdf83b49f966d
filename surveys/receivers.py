from django.dispatch import receiver

from tickets.lifecycle import Action
from tickets.signals import ticket_transitioned

from .services import survey_open


@receiver(ticket_transitioned, dispatch_uid="surveys_on_resolve")
def open_survey_on_resolve(sender, ticket, action, **kwargs):
    if action == Action.RESOLVE:
        survey_open(ticket=ticket)
