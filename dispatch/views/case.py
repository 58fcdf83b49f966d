"""The case page's dispatch actions: accept, decline, claim, chase, escalate, give the solution."""

from django.contrib.auth.decorators import login_required
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tickets.lifecycle import Action
from tickets.selectors import ticket_get_for_user
from tickets.services import ticket_transition
from tickets.views._common import staff_required

from ..forms import ChaseForm, DeclineForm, EscalateForm, SolutionForm
from ..services.assignment import assignment_decline, ticket_claim
from ..services.handling import escalation_solution_give, ticket_chase, ticket_escalate
from ._common import case_url, form_page, next_or, run


def _page(ticket, title: str, submit: str, **extra) -> dict:
    return {"ticket": ticket, "title": title, "submit": submit, **extra}


@staff_required
@require_POST
def accept(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    return run(
        request,
        lambda: ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=request.user),
        success=gettext("You accepted %(reference)s.") % {"reference": ticket.reference},
        back=next_or(request, case_url(request, ticket)),
    )


@staff_required
def decline(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = DeclineForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form=form,
        call=lambda d: assignment_decline(ticket_id=ticket.pk, engineer=request.user, reason=d["reason"]),
        success=gettext("You declined %(reference)s.") % {"reference": ticket.reference},
        back=case_url(request, ticket),
        context=_page(ticket, gettext("Decline the case"), gettext("Decline"), cancel_url=case_url(request, ticket)),
    )


@staff_required
@require_POST
def claim(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    return run(
        request,
        lambda: ticket_claim(ticket_id=ticket.pk, engineer=request.user),
        success=gettext("%(reference)s is yours.") % {"reference": ticket.reference},
        back=case_url(request, ticket),
    )


@login_required
@require_POST
def chase(request, reference):
    """The customer (portal) or a manager (case page) chases the case."""
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = ChaseForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    return run(
        request,
        lambda: ticket_chase(ticket_id=ticket.pk, actor=request.user, note=note),
        success=gettext("Chased: the engineer and the manager have been told."),
        back=case_url(request, ticket),
    )


@staff_required
def escalate(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = EscalateForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form=form,
        call=lambda d: ticket_escalate(
            ticket_id=ticket.pk, actor=request.user, reason=d["reason"], to_tier=d["to_tier"]
        ),
        success=gettext("%(reference)s escalated.") % {"reference": ticket.reference},
        back=case_url(request, ticket),
        context=_page(
            ticket, gettext("Escalate to the next tier"), gettext("Escalate"), cancel_url=case_url(request, ticket)
        ),
    )


@staff_required
def solution(request, reference):
    ticket = ticket_get_for_user(request.user, reference=reference)
    form = SolutionForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form=form,
        call=lambda d: escalation_solution_give(ticket_id=ticket.pk, actor=request.user, solution=d["solution"]),
        success=gettext("Solution recorded."),
        back=case_url(request, ticket),
        context=_page(
            ticket, gettext("Give the solution"), gettext("Record the solution"), cancel_url=case_url(request, ticket)
        ),
    )
