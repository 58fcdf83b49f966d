"""Remote support reads for the pages: a case's sessions and command logs, a session by its link."""

from __future__ import annotations

from django.db.models import QuerySet

from tickets.models import Ticket

from .models import CommandLog, RemoteSession


def remote_session_list_for_case(ticket: Ticket) -> QuerySet[RemoteSession]:
    return RemoteSession.objects.filter(ticket=ticket)


def command_log_list_for_case(ticket: Ticket) -> QuerySet[CommandLog]:
    return CommandLog.objects.filter(ticket=ticket).select_related("uploaded_by", "session")


def remote_session_get_for_link(session_id: int) -> RemoteSession:
    """The session a signed approval link names (the link is the proof: no access rule applies)."""
    return RemoteSession.objects.select_related("ticket", "requested_by").get(pk=session_id)
