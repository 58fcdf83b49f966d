"""Writes on cases. Each runs in one transaction, locks the case row, and leaves an event on its timeline."""

import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from core.cache import cached
from core.links import absolute_url
from customers.models import Device, Organisation

from . import access
from .events import event_record, ticket_lock
from .lifecycle import FINAL_STATUSES, Action, Status, check_guards, ensure_transition
from .models import (
    ArchiveReason,
    Attachment,
    Category,
    Channel,
    Department,
    EventKind,
    Priority,
    PublicRequest,
    RoutingRule,
    Ticket,
    TicketEvent,
)
from .signals import ticket_commented, ticket_created, ticket_transitioned, ticket_updated
from .uploads import content_type_for, validate_upload

# --- routing --------------------------------------------------------------------------


ROUTING_CACHE_KEY = "tickets:routing-table"
# Routing changes rarely and every new case reads it. Saving a rule or a department clears the
# cached table (tickets.receivers); with a per-process cache (no Redis) other processes see the
# change after this many seconds at most.
ROUTING_CACHE_SECONDS = 60


def _read_routing_table() -> tuple[list[tuple[str, int | None, Department]], Department | None]:
    rules = [(r.category, r.organisation_id, r.department) for r in RoutingRule.objects.select_related("department")]
    return rules, Department.objects.filter(is_default=True).first()


def _routing_table() -> tuple[list[tuple[str, int | None, Department]], Department | None]:
    return cached(ROUTING_CACHE_KEY, _read_routing_table, ROUTING_CACHE_SECONDS)


def department_for(*, category: str, organisation: Organisation | None) -> Department | None:
    """The department a new case goes to: the most specific routing rule, else the default department."""
    rules, default = _routing_table()
    organisation_id = organisation.pk if organisation is not None else None
    best, best_score = None, -1
    for rule_category, rule_organisation_id, department in rules:
        if rule_category not in (category, "") or rule_organisation_id not in (None, organisation_id):
            continue
        # A customer-specific rule beats a category rule; both together beat either.
        score = (2 if rule_organisation_id else 0) + (1 if rule_category else 0)
        if score > best_score:
            best, best_score = department, score
    return best or default


# --- creating -------------------------------------------------------------------------


def _attach_files(*, ticket: Ticket, event: TicketEvent | None, files: Iterable, actor, is_public: bool) -> list:
    saved = []
    for upload in files:
        name = validate_upload(upload)
        attachment = Attachment(
            ticket=ticket,
            event=event,
            filename=name,
            size=upload.size,
            content_type=content_type_for(name),
            is_public=is_public,
            uploaded_by=actor,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def _validate_files(files: Iterable) -> None:
    errors = []
    for upload in files:
        try:
            validate_upload(upload)
        except ValidationError as e:
            errors.extend(e.messages)
    if errors:
        raise ValidationError({"attachments": errors})


def _reference(year: int, pk: int) -> str:
    return f"SR-{year}-{pk:06d}"


def _next_ticket_pk() -> int | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Ticket._meta.db_table])
        return cursor.fetchone()[0]


@transaction.atomic
def ticket_create(
    *,
    actor: User | None,
    channel: str,
    category: str,
    subject: str,
    description: str,
    priority: str = Priority.NORMAL,
    organisation: Organisation | None = None,
    contact: User | None = None,
    device: Device | None = None,
    department: Department | None = None,
    requester_name: str = "",
    requester_email: str = "",
    requester_phone: str = "",
    files: Iterable = (),
) -> Ticket:
    """Open a case. A customer always opens it for themselves and their own organisation."""
    files = list(files)
    if actor is not None and actor.is_customer:
        organisation, contact = actor.organisation, actor
    if contact is not None and organisation is None:
        organisation = contact.organisation

    errors: dict[str, list[str]] = {}
    if channel not in Channel.values:
        errors["channel"] = [gettext("Choose a valid channel.")]
    if category not in Category.values:
        errors["category"] = [gettext("Choose a valid category.")]
    if priority not in Priority.values:
        errors["priority"] = [gettext("Choose a valid priority.")]
    if not subject.strip():
        errors["subject"] = [gettext("Give the request a subject.")]
    if not description.strip():
        errors["description"] = [gettext("Describe the request.")]
    if contact is not None and contact.organisation_id != getattr(organisation, "pk", None):
        errors["contact"] = [gettext("This contact does not belong to the organisation.")]
    if device is not None and device.organisation_id != getattr(organisation, "pk", None):
        errors["device"] = [gettext("This device does not belong to the organisation.")]
    if organisation is None and not (requester_name or requester_email or requester_phone):
        errors["organisation"] = [gettext("Say who is asking: an organisation and contact, or a name and email.")]
    if errors:
        raise ValidationError(errors)
    _validate_files(files)

    # The reference follows the primary key. On PostgreSQL the key is drawn first so the row is
    # written once, reference included; elsewhere it is filled in right after the insert.
    pk = _next_ticket_pk()
    year = timezone.localtime().year
    ticket = Ticket.objects.create(
        pk=pk,
        reference=_reference(year, pk) if pk else None,
        channel=channel,
        category=category,
        priority=priority,
        organisation=organisation,
        contact=contact,
        device=device,
        department=department or department_for(category=category, organisation=organisation),
        subject=subject.strip(),
        description=description.strip(),
        requester_name=requester_name,
        requester_email=requester_email,
        requester_phone=requester_phone,
        created_by=actor,
    )
    if ticket.reference is None:
        ticket.reference = _reference(year, ticket.pk)
        Ticket.objects.filter(pk=ticket.pk).update(reference=ticket.reference)

    event = event_record(
        ticket=ticket,
        kind=EventKind.CREATED,
        actor=actor,
        is_public=True,
        to_status=Status.NEW,
        data={"channel": channel},
        touch=False,
    )
    _attach_files(ticket=ticket, event=event, files=files, actor=actor, is_public=True)
    ticket_created.send(sender=Ticket, ticket=ticket, actor=actor)
    return ticket


# --- the lifecycle --------------------------------------------------------------------


def _check_allowed(actor: User | None, ticket: Ticket, action: Action) -> None:
    # actor=None is the system itself (survey loop, sweeps): the lifecycle still applies.
    if actor is not None and not access.can_perform(actor, ticket, action):
        raise PermissionDenied(gettext("You may not do this on this case."))


@transaction.atomic
def ticket_transition(
    *,
    ticket_id: int,
    action: Action,
    actor: User | None,
    note: str = "",
    is_public: bool = True,
    assignee: User | None = None,
    resolution: str = "",
    archive_reason: str = ArchiveReason.MANUAL,
    data: dict | None = None,
) -> Ticket:
    """Move a case by one lifecycle action. Raises InvalidTransition, PermissionDenied or ValidationError.

    ``data`` adds the calling flow's facts to the timeline entry (dispatch: how the engineer was chosen).
    The rooms above add their rules to an action with ``lifecycle.register_transition_guard``.
    """
    action = Action(action)
    ticket = ticket_lock(ticket_id)
    _check_allowed(actor, ticket, action)
    from_status = ticket.status
    to_status = ensure_transition(from_status, action)
    now = timezone.now()
    changed = ["status", "updated_at"]
    facts: dict = {}

    if action == Action.ASSIGN:
        if assignee is None:
            raise ValidationError({"assignee": [gettext("Choose an engineer.")]})
        if not (assignee.is_active and assignee.has_role(Role.ENGINEER)):
            raise ValidationError({"assignee": [gettext("%(name)s is not an active engineer.") % {"name": assignee}]})
        ticket.assignee, ticket.assigned_at = assignee, now
        changed += ["assignee", "assigned_at"]
        facts = {"assignee": assignee.pk, "assignee_name": str(assignee)}
    elif action == Action.UNASSIGN:
        facts = {"engineer": ticket.assignee_id, "engineer_name": str(ticket.assignee) if ticket.assignee_id else ""}
        ticket.assignee, ticket.assigned_at = None, None
        changed += ["assignee", "assigned_at"]
    elif action == Action.START:
        ticket.started_at = now
        changed.append("started_at")
    elif action == Action.WAIT:
        if not note.strip():
            raise ValidationError({"note": [gettext("Say what you need from the customer.")]})
        is_public = True  # a question the customer cannot read would wait forever
    elif action == Action.RESOLVE:
        if not resolution.strip():
            raise ValidationError({"resolution": [gettext("Describe the resolution.")]})
        ticket.resolution, ticket.resolved_at = resolution.strip(), now
        changed += ["resolution", "resolved_at"]
        note = note or ticket.resolution
        is_public = True
    elif action == Action.ARCHIVE:
        ticket.archive_reason, ticket.closed_at = archive_reason, now
        changed += ["archive_reason", "closed_at"]
        facts = {"reason": archive_reason}
    elif action == Action.CANCEL:
        ticket.closed_at = now
        changed.append("closed_at")

    # The rooms above's rules (nothing is saved yet: a refusal leaves the case as it was).
    check_guards(action, ticket, actor=actor, assignee=assignee)
    if is_public and note and actor is not None and actor.is_staff_member and ticket.first_response_at is None:
        ticket.first_response_at = now
        changed.append("first_response_at")

    ticket.status = to_status
    ticket.save(update_fields=changed)
    event_record(
        ticket=ticket,
        kind=EventKind.ASSIGNED if action == Action.ASSIGN else EventKind.STATUS,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        body=note,
        is_public=is_public,
        data={**(data or {}), "action": action.value, **facts},
        touch=False,  # the save above moved updated_at
    )
    ticket_transitioned.send(
        sender=Ticket, ticket=ticket, action=action, from_status=from_status, to_status=to_status, actor=actor
    )
    return ticket


def ticket_assign(
    *, ticket_id: int, assignee: User, actor: User | None, note: str = "", data: dict | None = None
) -> Ticket:
    """The one way to give a case to an engineer: the lifecycle's ASSIGN with every room's guards."""
    return ticket_transition(
        ticket_id=ticket_id, action=Action.ASSIGN, actor=actor, assignee=assignee, note=note, data=data
    )


def ticket_resolve(*, ticket_id: int, resolution: str, actor: User | None) -> Ticket:
    return ticket_transition(ticket_id=ticket_id, action=Action.RESOLVE, actor=actor, resolution=resolution)


# --- conversation and facts -----------------------------------------------------------


@transaction.atomic
def ticket_comment(
    *, ticket_id: int, actor: User, body: str, is_public: bool = True, files: Iterable = ()
) -> TicketEvent:
    """Add a comment (with files). A customer's reply to a waiting case puts it back in progress."""
    files = list(files)
    ticket = ticket_lock(ticket_id)
    if not access.can_comment(actor, ticket, internal=not is_public):
        raise PermissionDenied(gettext("You may not comment on this case."))
    if not body.strip() and not files:
        raise ValidationError({"body": [gettext("Write a comment or attach a file.")]})
    if ticket.status in FINAL_STATUSES:
        raise ValidationError({"body": [gettext("This case is closed; open a new request instead.")]})
    _validate_files(files)

    event = event_record(
        ticket=ticket, kind=EventKind.COMMENT, actor=actor, body=body, is_public=is_public, touch=False
    )
    _attach_files(ticket=ticket, event=event, files=files, actor=actor, is_public=is_public)
    if is_public and actor.is_staff_member and ticket.first_response_at is None:
        ticket.first_response_at = event.created_at
        ticket.save(update_fields=["first_response_at", "updated_at"])
    else:
        ticket.save(update_fields=["updated_at"])
    ticket_commented.send(sender=Ticket, ticket=ticket, event=event, actor=actor)
    if ticket.status == Status.WAITING and actor.is_customer:
        ticket_transition(ticket_id=ticket.pk, action=Action.RESUME, actor=actor, note="")
    return event


@transaction.atomic
def attachment_add(*, ticket_id: int, actor: User, file, is_public: bool = True) -> Attachment:
    ticket = ticket_lock(ticket_id)
    if not access.can_comment(actor, ticket, internal=not is_public):
        raise PermissionDenied(gettext("You may not add files to this case."))
    if ticket.status in FINAL_STATUSES:
        raise ValidationError({"file": [gettext("This case is closed; open a new request instead.")]})
    try:
        validate_upload(file)
    except ValidationError as e:
        raise ValidationError({"file": e.messages}) from e
    event = event_record(
        ticket=ticket,
        kind=EventKind.ATTACHMENT,
        actor=actor,
        is_public=is_public,
        data={"filename": file.name},
        touch=False,
    )
    (attachment,) = _attach_files(ticket=ticket, event=event, files=[file], actor=actor, is_public=is_public)
    return attachment


EDITABLE_FIELDS = ("subject", "description", "category", "priority", "device", "department")


@transaction.atomic
def ticket_update(*, ticket_id: int, actor: User, **changes) -> Ticket:
    """Change a case's facts; the timeline records each old → new value."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({f: [gettext("This field cannot be changed.")] for f in unknown})
    ticket = ticket_lock(ticket_id)
    if not access.can_edit(actor, ticket):
        raise PermissionDenied(gettext("You may not change this case."))
    if ticket.status in FINAL_STATUSES:
        raise ValidationError({"status": [gettext("This case is closed and can no longer be changed.")]})
    device = changes.get("device")
    if device is not None and device.organisation_id != ticket.organisation_id:
        raise ValidationError({"device": [gettext("This device does not belong to the case's organisation.")]})

    diff = {}
    for field, value in changes.items():
        old = getattr(ticket, field)
        if old != value:
            diff[field] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(ticket, field, value)
    if not diff:
        return ticket
    ticket.full_clean(exclude=["reference", "contact", "organisation", "assignee", "created_by"])
    ticket.save(update_fields=[*diff, "updated_at"])
    event_record(ticket=ticket, kind=EventKind.UPDATED, actor=actor, is_public=False, data=diff, touch=False)
    ticket_updated.send(sender=Ticket, ticket=ticket, changes=diff, actor=actor)
    return ticket


# --- the public form ------------------------------------------------------------------


def public_request_submit(**fields) -> PublicRequest:
    """Keep a request from someone without an account until they confirm their email address."""
    request = PublicRequest.objects.create(token=secrets.token_urlsafe(32), **fields)
    from notices.services import notice_send

    from .notices import PUBLIC_CONFIRM

    notice_send(
        kind=PUBLIC_CONFIRM,
        email=request.email,
        data={"public_request_id": request.pk},
        link=absolute_url("tickets:public-confirm", request.token),
        subject_ref=request.subject,
    )
    return request


@transaction.atomic
def public_request_confirm(*, token: str) -> Ticket | None:
    """Turn a confirmed public request into a case (once). None if the link is unknown or expired."""
    request = PublicRequest.objects.select_for_update().filter(token=token).first()
    if request is None:
        return None
    if request.ticket_id:
        return request.ticket
    if request.created_at < timezone.now() - timedelta(hours=settings.PUBLIC_REQUEST_CONFIRM_HOURS):
        return None
    # A sender whose address belongs to a contact files as that contact.
    contact = User.objects.filter(email__iexact=request.email, organisation__isnull=False, is_active=True).first()
    ticket = ticket_create(
        actor=None,
        channel=Channel.WEB,
        category=request.category,
        subject=request.subject,
        description=request.description,
        organisation=contact.organisation if contact else None,
        contact=contact,
        requester_name=request.name if not contact else "",
        requester_email=request.email if not contact else "",
        requester_phone=request.phone if not contact else "",
    )
    if request.company and not contact:
        event_record(
            ticket=ticket,
            kind=EventKind.COMMENT,
            is_public=False,
            body=gettext("Company: %s") % request.company,
            touch=False,
        )
    request.confirmed_at, request.ticket = timezone.now(), ticket
    request.save(update_fields=["confirmed_at", "ticket"])
    return ticket
