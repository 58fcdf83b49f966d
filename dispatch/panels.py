"""Dispatch's panels on the tickets pages (registered with tickets.hooks in DispatchConfig.ready)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from tickets.access import tickets_visible_to
from tickets.hooks import CasePanel, PagePanel
from tickets.lifecycle import OPEN_STATUSES, Action, Status, allowed_actions
from tickets.models import Ticket

from . import links
from .forms import EscalateForm
from .models import DispatchMode, Tier
from .onsite.forms import VisitDecideForm
from .remote.forms import PlanForm, RemoteRequestForm
from .roster.selectors import duty_list_now
from .selectors import case_handling


def _window() -> dict:
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {"window_start": now, "window_end": now + dt.timedelta(hours=4)}


def staff_panel_context(request: HttpRequest, ticket: Ticket) -> dict:
    """Suggestions, acceptance, claim, chase, escalation, remote support, visits, report: a fixed number of queries."""
    from .services.assignment import engineer_suggest, policy_for

    user = request.user
    data = case_handling(ticket)
    is_open = ticket.status in OPEN_STATUSES
    is_assignee = ticket.assignee_id is not None and ticket.assignee_id == user.pk
    handler = user.is_supervisor or (user.is_engineer and is_assignee)
    suggestions = []
    if user.is_supervisor and Action.ASSIGN in allowed_actions(ticket.status):
        suggestions = engineer_suggest(ticket)[:5]
    claimable = (
        user.is_engineer
        and ticket.status == Status.NEW
        and ticket.assignee_id is None
        and policy_for(ticket).mode == DispatchMode.POOL
    )
    state = data["state"]
    tier = state.tier if state else Tier.HOTLINE
    if ticket.assignee_id and tier < Tier.ENGINEER:
        tier = Tier.ENGINEER
    for session in data["sessions"]:
        if session.is_open:
            token = links.make_token(links.REMOTE_APPROVAL, session.pk, ticket.contact_id)
            session.link = request.build_absolute_uri(reverse("dispatch:remote-link", args=[token]))
    return {
        "ticket": ticket,
        **data,
        "is_open": is_open,
        "handler": handler,
        "is_assignee": is_assignee,
        "can_accept": is_assignee and ticket.status == Status.ASSIGNED,
        "suggestions": suggestions,
        "claimable": claimable,
        "tier": Tier(tier),
        "can_escalate": is_open and tier < Tier.PROJECT_MANAGER,
        "awaiting_solution": any(
            e.to_tier == Tier.PROJECT_MANAGER and e.solution_given_at is None for e in data["escalations"]
        ),
        "remote_form": RemoteRequestForm(initial=_window()) if handler and is_open else None,
        "plan_form": PlanForm() if handler and is_open else None,
        "escalate_form": EscalateForm(),
        "visit_form": VisitDecideForm() if handler and is_open and user.is_supervisor else None,
        "active_visit": next((v for v in data["visits"] if v.is_active), None),
    }


def portal_panel_context(request: HttpRequest, ticket: Ticket) -> dict | None:
    """What is asked of the customer on this case, the report to download, and chasing."""
    if request.user.is_staff_member:
        return None  # staff see the staff panel
    data = case_handling(ticket)
    asked_sessions = [s for s in data["sessions"] if s.is_open]
    asked_plans = [p for p in data["plans"] if p.is_open]
    asked_operations = [op for v in data["visits"] for op in v.operations.all() if op.is_awaiting_approval]
    state = data["state"]
    return {
        "ticket": ticket,
        **data,
        "asked_sessions": asked_sessions,
        "asked_plans": asked_plans,
        "asked_operations": asked_operations,
        "asked": bool(asked_sessions or asked_plans or asked_operations),
        "can_chase": ticket.status in OPEN_STATUSES,
        "chase_count": state.chase_count if state else 0,
    }


def on_duty_context(request: HttpRequest) -> dict:
    return {"shifts": list(duty_list_now())}


STAFF_PANEL = CasePanel(name="dispatch", template="dispatch/case_panel.html", context=staff_panel_context, order=20)
PORTAL_PANEL = CasePanel(
    name="dispatch-portal",
    template="dispatch/portal_panel.html",
    context=portal_panel_context,
    staff_only=False,
    order=20,
)
ON_DUTY_PANEL = PagePanel(name="on-duty", page="hotline", template="dispatch/on_duty.html", context=on_duty_context)


def chased_context(request: HttpRequest) -> dict:
    """Open cases customers or managers keep chasing (催办), most chased first: one query."""
    chased = list(
        Ticket.objects.filter(
            pk__in=tickets_visible_to(request.user).values("pk"),
            status__in=OPEN_STATUSES,
            dispatch__chase_count__gt=0,
        )
        .select_related("dispatch", "assignee", "organisation")
        .order_by("-dispatch__chase_count", "-dispatch__last_chased_at")[:10]
    )
    return {"chased": chased}


CHASED_PANEL = PagePanel(
    name="chased", page="dashboard", template="dispatch/dashboard_chased.html", context=chased_context
)
