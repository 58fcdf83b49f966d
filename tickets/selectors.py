"""Reads on cases, shaped for the page that shows them and scoped by the access rule."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.roles import Role

from .access import tickets_visible_to
from .hooks import annotate_case_facts
from .lifecycle import OPEN_STATUSES
from .models import Attachment, Ticket, TicketEvent

LIST_RELATED = ("organisation", "contact", "device__product", "assignee", "department")


def ticket_list_for_user(user: User) -> QuerySet[Ticket]:
    """Cases the user may see, with everything a list row shows joined in one query."""
    return tickets_visible_to(user).select_related(*LIST_RELATED)


def ticket_list_for_api(user: User) -> QuerySet[Ticket]:
    """As ``ticket_list_for_user``, with the facts the rooms above keep (``tickets.hooks.CaseFact``)."""
    return annotate_case_facts(ticket_list_for_user(user))


def ticket_get_for_user(user: User, **lookup) -> Ticket:
    """One case the user may see, with its facts, or 404 (also for cases that exist but are not theirs)."""
    return get_object_or_404(ticket_list_for_api(user).select_related("device__site", "created_by"), **lookup)


def ticket_timeline(ticket: Ticket, user: User) -> QuerySet[TicketEvent]:
    """The case's events in order; customers see only the public ones."""
    events = ticket.events.select_related("actor")
    files = Attachment.objects.order_by("created_at", "id")
    if not user.is_staff_member:
        events = events.filter(is_public=True)
        files = files.filter(is_public=True)
    return events.prefetch_related(Prefetch("files", queryset=files))


def attachment_list_for_ticket(ticket: Ticket, user: User) -> QuerySet[Attachment]:
    """A case's files; customers see only the public ones (as on the timeline)."""
    files = ticket.attachments.select_related("uploaded_by").order_by("created_at", "id")
    return files if user.is_staff_member else files.filter(is_public=True)


def attachment_get_for_user(user: User, pk: int) -> Attachment:
    attachment = get_object_or_404(
        Attachment.objects.select_related("ticket").filter(ticket__in=tickets_visible_to(user)), pk=pk
    )
    if not attachment.is_public and not user.is_staff_member:
        raise Http404
    return attachment


def ticket_list_open_for_organisation(organisation_id: int, limit: int = 10) -> list[Ticket]:
    return list(
        Ticket.objects.filter(organisation_id=organisation_id, status__in=OPEN_STATUSES)
        .select_related("device__product", "assignee")
        .order_by("-created_at")[:limit]
    )


def engineer_list() -> QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.ENGINEER).order_by("first_name", "username")
