"""Remote support: request a session, the customer's approval (portal, signed link, or a written
approval recorded by staff), start/end gated on that approval, solution plans, command logs."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from tickets.models import Ticket
from tickets.uploads import validate_upload

from .. import links
from ..events import DispatchEvent
from ..lifecycle import ensure_case_open
from ..services.common import ensure_handler, lock_ticket, record_event
from .access import ensure_customer
from .lifecycle import PlanAction, SessionAction, ensure_plan_transition, ensure_session_transition
from .models import ApprovalChannel, CommandLog, RemoteSession, SolutionPlan


def _lock_session(session_id: int) -> tuple[RemoteSession, Ticket]:
    ticket_id = RemoteSession.objects.values_list("ticket_id", flat=True).get(pk=session_id)
    ticket = lock_ticket(ticket_id)  # always the case first, then its rows: one lock order
    return RemoteSession.objects.select_for_update().get(pk=session_id), ticket


def _event(ticket, actor, body, data, *, notify=None, is_public=True):
    return record_event(
        ticket=ticket, kind=DispatchEvent.REMOTE, actor=actor, body=body, is_public=is_public, data=data, notify=notify
    )


# --- sessions -------------------------------------------------------------------------


@transaction.atomic
def remote_session_request(
    *, ticket_id: int, actor: User, purpose: str, target_system: str, window_start: dt.datetime, window_end: dt.datetime
) -> RemoteSession:
    """The engineer asks to log in remotely; the customer contact is emailed the approval link."""
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    ensure_case_open(ticket)
    errors: dict[str, list[str]] = {}
    if not purpose.strip():
        errors["purpose"] = [gettext("Say what the remote session is for.")]
    if not target_system.strip():
        errors["target_system"] = [gettext("Name the system to log in to.")]
    if window_end <= window_start:
        errors["window_end"] = [gettext("The window ends after it starts.")]
    elif window_end <= timezone.now():
        errors["window_end"] = [gettext("The window is already over.")]
    if errors:
        raise ValidationError(errors)
    session = RemoteSession.objects.create(
        ticket=ticket,
        requested_by=actor,
        purpose=purpose.strip(),
        target_system=target_system.strip(),
        window_start=window_start,
        window_end=window_end,
    )
    _event(
        ticket,
        actor,
        gettext("Remote session requested on %(system)s, %(start)s – %(end)s: %(purpose)s")
        % {
            "system": session.target_system,
            "start": f"{timezone.localtime(window_start):%Y-%m-%d %H:%M}",
            "end": f"{timezone.localtime(window_end):%Y-%m-%d %H:%M}",
            "purpose": session.purpose,
        },
        {"session": session.pk, "action": "requested"},
        notify=[ticket.contact],
    )
    return session


def remote_approval_token(session: RemoteSession) -> str:
    """The signed link's token for the case's contact (for the approval email and the portal QR code)."""
    return links.make_token(links.REMOTE_APPROVAL, session.pk, session.ticket.contact_id)


def _decide(session, ticket, *, approve, actor, name, channel, reason, now, recorded_by=None):
    status = ensure_session_transition(session, SessionAction.APPROVE if approve else SessionAction.REFUSE)
    if approve:
        if session.window_end <= now:
            raise ValidationError({"status": [gettext("The planned window is over; ask for a new session.")]})
        session.status = status
        session.approval_channel = channel
        session.approved_by = actor
        session.approver_name = name or (str(actor) if actor else "")
        session.approved_at = now
        session.approval_expires_at = session.window_end
        body = gettext("Remote session approved by %(name)s (%(channel)s).") % {
            "name": session.approver_name,
            "channel": ApprovalChannel(channel).label,
        }
    else:
        if not reason.strip():
            raise ValidationError({"reason": [gettext("Say why you refuse.")]})
        session.status = status
        session.refusal_reason = reason.strip()
        body = gettext("Remote session refused: %(reason)s") % {"reason": session.refusal_reason}
    session.save()
    _event(
        ticket,
        recorded_by or actor,
        body,
        {"session": session.pk, "action": "approved" if approve else "refused", "channel": channel},
        notify=[session.requested_by, ticket.assignee],
    )
    return session


@transaction.atomic
def remote_session_decide(*, session_id: int, actor: User, approve: bool, reason: str = "") -> RemoteSession:
    """The customer contact approves or refuses in the portal."""
    session, ticket = _lock_session(session_id)
    ensure_customer(actor, ticket)
    return _decide(
        session,
        ticket,
        approve=approve,
        actor=actor,
        name=str(actor),
        channel=ApprovalChannel.PORTAL,
        reason=reason,
        now=timezone.now(),
    )


@transaction.atomic
def remote_session_decide_by_link(*, token: str, approve: bool, name: str = "", reason: str = "") -> RemoteSession:
    """The contact approves or refuses from the emailed link (no login: the signed token is the proof)."""
    session_id, contact_id = links.read_token(links.REMOTE_APPROVAL, token)
    if not RemoteSession.objects.filter(pk=session_id).exists():
        raise ValidationError({"token": [gettext("This link is not valid.")]})
    session, ticket = _lock_session(session_id)
    contact = User.objects.filter(pk=contact_id, is_active=True).first() if contact_id else None
    if contact is not None and contact.organisation_id != ticket.organisation_id:
        raise ValidationError({"token": [gettext("This link is not valid.")]})
    return _decide(
        session,
        ticket,
        approve=approve,
        actor=contact,
        name=name.strip() or str(contact or ""),
        channel=ApprovalChannel.LINK,
        reason=reason,
        now=timezone.now(),
    )


@transaction.atomic
def remote_session_record_approval(
    *,
    session_id: int,
    actor: User,
    approver_name: str,
    document,
    expires_at: dt.datetime | None = None,
) -> RemoteSession:
    """Staff record an approval the customer gave in writing (fax, letter, email), with the scanned document."""
    session, ticket = _lock_session(session_id)
    ensure_handler(actor, ticket)
    errors: dict[str, list[str]] = {}
    if not approver_name.strip():
        errors["approver_name"] = [gettext("Name who approved for the customer.")]
    if document is None:
        errors["document"] = [gettext("Attach the scanned approval.")]
    else:
        try:
            validate_upload(document)
        except ValidationError as e:
            errors["document"] = e.messages
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    _decide(
        session,
        ticket,
        approve=True,
        actor=None,
        name=approver_name.strip(),
        channel=ApprovalChannel.DOCUMENT,
        reason="",
        now=now,
        recorded_by=actor,
    )
    session.recorded_by = actor
    if expires_at is not None:
        if expires_at <= now:
            raise ValidationError({"expires_at": [gettext("The approval must still be valid.")]})
        session.approval_expires_at = expires_at
    session.approval_document.save(validate_upload(document), document, save=False)
    session.save(update_fields=["recorded_by", "approval_expires_at", "approval_document"])
    return session


@transaction.atomic
def remote_session_start(*, session_id: int, actor: User) -> RemoteSession:
    """Mark the session started. Refused unless an approval is in force (given and not expired)."""
    session, ticket = _lock_session(session_id)
    ensure_handler(actor, ticket)
    now = timezone.now()
    status = ensure_session_transition(session, SessionAction.START)
    if not session.approval_in_force(now):
        raise PermissionDenied(gettext("The customer's approval has expired; ask for a new one."))
    session.status, session.started_at = status, now
    session.save(update_fields=["status", "started_at"])
    _event(ticket, actor, gettext("Remote session started."), {"session": session.pk, "action": "started"})
    return session


@transaction.atomic
def remote_session_end(*, session_id: int, actor: User, note: str = "") -> RemoteSession:
    session, ticket = _lock_session(session_id)
    ensure_handler(actor, ticket)
    session.status = ensure_session_transition(session, SessionAction.END)
    session.ended_at = timezone.now()
    session.save(update_fields=["status", "ended_at"])
    _event(ticket, actor, note or gettext("Remote session ended."), {"session": session.pk, "action": "ended"})
    return session


# --- solution plans -------------------------------------------------------------------


@transaction.atomic
def solution_plan_submit(
    *, ticket_id: int, actor: User, body: str, session: RemoteSession | None = None
) -> SolutionPlan:
    """The engineer writes the solution plan; the customer is asked to approve it before it is carried out."""
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    ensure_case_open(ticket)
    if not body.strip():
        raise ValidationError({"body": [gettext("Write the solution plan.")]})
    if session is not None and session.ticket_id != ticket.pk:
        raise ValidationError({"session": [gettext("This session belongs to another case.")]})
    plan = SolutionPlan.objects.create(ticket=ticket, session=session, body=body.strip(), written_by=actor)
    _event(ticket, actor, body, {"plan": plan.pk, "action": "plan_submitted"}, notify=[ticket.contact])
    return plan


def _lock_plan(plan_id: int) -> tuple[SolutionPlan, Ticket]:
    ticket_id = SolutionPlan.objects.values_list("ticket_id", flat=True).get(pk=plan_id)
    ticket = lock_ticket(ticket_id)
    return SolutionPlan.objects.select_for_update().get(pk=plan_id), ticket


@transaction.atomic
def solution_plan_decide(*, plan_id: int, actor: User, approve: bool, note: str = "") -> SolutionPlan:
    """The customer contact approves or rejects the plan (a rejection needs a note)."""
    plan, ticket = _lock_plan(plan_id)
    ensure_customer(actor, ticket)
    status = ensure_plan_transition(plan, PlanAction.APPROVE if approve else PlanAction.REJECT)
    if not approve and not note.strip():
        raise ValidationError({"note": [gettext("Say what is wrong with the plan.")]})
    plan.status = status
    plan.decided_by, plan.decided_name, plan.decided_at, plan.decision_note = actor, str(actor), timezone.now(), note
    plan.save()
    body = (
        gettext("Solution plan approved.") if approve else gettext("Solution plan rejected: %(note)s") % {"note": note}
    )
    _event(
        ticket,
        actor,
        body,
        {"plan": plan.pk, "action": "plan_approved" if approve else "plan_rejected"},
        notify=[plan.written_by, ticket.assignee],
    )
    return plan


@transaction.atomic
def solution_plan_carry_out(*, plan_id: int, actor: User) -> SolutionPlan:
    """Record that the plan was carried out: refused unless the customer approved it."""
    plan, ticket = _lock_plan(plan_id)
    ensure_handler(actor, ticket)
    plan.status = ensure_plan_transition(plan, PlanAction.CARRY_OUT)
    plan.carried_out_at = timezone.now()
    plan.save(update_fields=["status", "carried_out_at"])
    _event(ticket, actor, gettext("Solution plan carried out."), {"plan": plan.pk, "action": "plan_carried_out"})
    return plan


# --- command logs ---------------------------------------------------------------------


def _sha256(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def command_log_add(
    *,
    ticket_id: int,
    actor: User,
    file=None,
    text: str = "",
    session: RemoteSession | None = None,
) -> CommandLog:
    """Keep a command log (an uploaded file, or pasted text) exactly as received, with its SHA-256."""
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    if (file is None) == (not text):
        raise ValidationError({"file": [gettext("Upload the log as a file or paste it, not both.")]})
    if session is not None and session.ticket_id != ticket.pk:
        raise ValidationError({"session": [gettext("This session belongs to another case.")]})
    if file is None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        file = ContentFile(text.encode("utf-8"), name=f"command-log-{stamp}.txt")
    try:
        name = validate_upload(file)
    except ValidationError as e:
        raise ValidationError({"file": e.messages}) from e
    checksum = _sha256(file)
    log = CommandLog(ticket=ticket, session=session, filename=name, size=file.size, sha256=checksum, uploaded_by=actor)
    log.file.save(name, file, save=False)
    log.save()
    _event(
        ticket,
        actor,
        gettext("Command log %(name)s stored (SHA-256 %(sha)s).") % {"name": name, "sha": checksum},
        {"command_log": log.pk, "sha256": checksum, "action": "command_log"},
    )
    return log
