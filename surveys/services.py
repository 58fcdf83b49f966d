"""The satisfaction loop: a survey per resolution; satisfied archives, unsatisfied reopens."""

import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from core.links import absolute_url
from notices.services import NoticeDraft, notice_send, notice_send_many
from tickets.events import event_record, ticket_lock
from tickets.lifecycle import Action, Status
from tickets.models import ArchiveReason, Ticket
from tickets.services import ticket_transition

from .models import Outcome, Survey
from .notices import SURVEY, UNSATISFIED
from .selectors import survey_thresholds


def _survey_notice(survey: Survey, ticket: Ticket) -> NoticeDraft:
    """The survey link, to the case's contact (their inbox too) or to the requester's address."""
    contact = ticket.contact if ticket.contact_id else None
    return NoticeDraft(
        kind=SURVEY,
        recipients=[contact] if contact else [],
        email=None if contact else survey.email,
        data={"survey_id": survey.pk, "round": survey.round, "reference": ticket.reference},
        link=absolute_url("surveys:answer", survey.token),
        ticket_id=ticket.pk,
        subject_ref=f"{ticket.reference} {ticket.subject}",
        # One per survey: the repair sweep below cannot write (or send) it twice.
        dedupe_key=f"survey:{survey.pk}",
    )


# The timeline entry kind of a survey round (registered in SurveysConfig.ready).
SURVEY_EVENT = "survey"


def survey_round_count(ticket_id: int) -> int:
    """How many survey rounds the case has had (the surveys are the record; nothing else counts them)."""
    return Survey.objects.filter(ticket_id=ticket_id).aggregate(n=Max("round"))["n"] or 0


def survey_open(*, ticket: Ticket) -> Survey:
    """Start a new round for a just-resolved case (row locked by the lifecycle); the link goes out through the outbox after commit."""
    email = ticket.contact.email if ticket.contact is not None else ticket.requester_email
    survey = Survey.objects.create(
        ticket=ticket, round=survey_round_count(ticket.pk) + 1, token=secrets.token_urlsafe(32), email=email
    )
    # No stored text: the timeline renders it from the data in each reader's language.
    event_record(
        ticket=ticket,
        kind=SURVEY_EVENT,
        is_public=True,
        data={"round": survey.round, "outcome": Outcome.PENDING},
        touch=False,
    )
    if ticket.contact_id or survey.email:
        notice_send_many([_survey_notice(survey, ticket)])  # sent_at is set when it is delivered
    else:
        # Nobody to tell: the link waits in the portal, and the no-answer clock runs from now.
        Survey.objects.filter(pk=survey.pk).update(sent_at=timezone.now())
    return survey


@transaction.atomic
def survey_answer(*, token: str, score: int, comment: str = "") -> Survey:
    """Record the one answer of a round and move the case on. Raises ValidationError."""
    survey = Survey.objects.select_for_update().select_related("ticket").filter(token=token).first()
    if survey is None:
        raise Survey.DoesNotExist
    if survey.outcome != Outcome.PENDING:
        raise ValidationError({"score": [gettext("This survey has already been answered. Thank you.")]})
    if survey.ticket.status != Status.RESOLVED:
        raise ValidationError({"score": [gettext("This survey is closed: the case has moved on.")]})
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": [gettext("Choose a score from 1 to 5.")]})

    satisfied_score, _days = survey_thresholds()
    satisfied = score >= satisfied_score
    survey.score, survey.comment, survey.answered_at = score, comment.strip(), timezone.now()
    survey.outcome = Outcome.SATISFIED if satisfied else Outcome.UNSATISFIED
    survey.save(update_fields=["score", "comment", "answered_at", "outcome"])
    note = gettext("Survey round %(round)d: %(score)d/5. %(comment)s") % {
        "round": survey.round,
        "score": score,
        "comment": survey.comment,
    }
    if satisfied:
        ticket_transition(
            ticket_id=survey.ticket_id,
            action=Action.ARCHIVE,
            actor=None,
            note=note.strip(),
            archive_reason=ArchiveReason.SATISFIED,
        )
    else:
        # Back to the same engineer; the managers hear about it.
        ticket_transition(ticket_id=survey.ticket_id, action=Action.REOPEN, actor=None, note=note.strip())
        ticket = survey.ticket
        notice_send(
            recipients=User.objects.filter(is_active=True, groups__name=Role.MANAGER).distinct().order_by("pk"),
            kind=UNSATISFIED,
            data={"survey_id": survey.pk, "round": survey.round, "score": score, "reference": ticket.reference},
            link=absolute_url("tickets:case", ticket.reference),
            ticket_id=ticket.pk,
            subject_ref=f"{ticket.reference} {ticket.subject}",
            dedupe_key=f"survey-unsatisfied:{survey.pk}",
        )
    return survey


def survey_expire_unanswered(*, now=None) -> int:
    """Archive cases whose survey went unanswered for the set number of days. Returns how many."""
    now = now or timezone.now()
    _score, days = survey_thresholds()
    cutoff = now - timedelta(days=days)
    # Counted from sending: a survey the broker never delivered has not been ignored.
    due = list(Survey.objects.filter(outcome=Outcome.PENDING, sent_at__lt=cutoff).values_list("pk", flat=True)[:1000])
    done = 0
    for survey_id in due:
        done += _expire_one(survey_id, days)
    return done


@transaction.atomic
def _expire_one(survey_id: int, days: int) -> int:
    survey = Survey.objects.select_for_update().filter(pk=survey_id, outcome=Outcome.PENDING).first()
    if survey is None:  # answered meanwhile, or another worker got there first
        return 0
    survey.outcome = Outcome.NO_ANSWER
    survey.save(update_fields=["outcome"])
    ticket = ticket_lock(survey.ticket_id)
    if ticket.status != Status.RESOLVED:
        return 0
    ticket_transition(
        ticket_id=ticket.pk,
        action=Action.ARCHIVE,
        actor=None,
        note=gettext("No answer to the satisfaction survey within %(days)d days.") % {"days": days},
        archive_reason=ArchiveReason.NO_ANSWER,
    )
    return 1


def survey_send_unsent(*, now=None) -> int:
    """Write the notice of any pending survey that has none (one opened before the outbox existed).

    Idempotent: each survey's notice has a dedupe key, so a survey already in the outbox (waiting,
    retrying, failed) is left to it and never sent twice. Returns how many notices it wrote.
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=5)
    unsent = (
        Survey.objects.filter(outcome=Outcome.PENDING, sent_at=None, created_at__lt=stale)
        .select_related("ticket__contact")
        .order_by("pk")[:1000]
    )
    drafts = [_survey_notice(s, s.ticket) for s in unsent if s.ticket.contact_id or s.email]
    return len(notice_send_many(drafts)) if drafts else 0
