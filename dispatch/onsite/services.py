"""On-site visits: decision (starts the on-site clock), departure, arrival (stops it), restoration and
fix times, major operations gated on the customer's approval, parts, the signed service application."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from customers.access import is_contact_of
from tickets.events import milestone_record
from tickets.lifecycle import Milestone
from tickets.models import Ticket

from .. import links, pdf
from ..events import DispatchEvent
from ..lifecycle import ensure_case_open
from ..services.common import ensure_handler, ensure_sees, lock_ticket, managers_for, record_event
from ..signatures import decode_signature
from .access import ensure_visit_worker
from .lifecycle import (
    ACTIVE_VISIT_STATUSES,
    ApplicationAction,
    OperationAction,
    VisitAction,
    ensure_application_transition,
    ensure_operation_transition,
    ensure_visit_transition,
)
from .models import MajorOperation, OperationKind, PartLine, ServiceApplication, SignedVia, Visit


def _event(ticket, actor, body, data, *, notify=None, is_public=True):
    return record_event(
        ticket=ticket, kind=DispatchEvent.VISIT, actor=actor, body=body, is_public=is_public, data=data, notify=notify
    )


def _lock_visit(visit_id: int) -> tuple[Visit, Ticket]:
    ticket_id = Visit.objects.values_list("ticket_id", flat=True).get(pk=visit_id)
    ticket = lock_ticket(ticket_id)  # the case first, then its rows: one lock order everywhere
    return Visit.objects.select_for_update().select_related("engineer").get(pk=visit_id), ticket


# --- the visit ------------------------------------------------------------------------


@transaction.atomic
def visit_decide(
    *,
    ticket_id: int,
    actor: User,
    reason: str,
    engineer: User | None = None,
    planned_at: dt.datetime | None = None,
) -> Visit:
    """Decide on an on-site visit. Starts the on-site clock (the SLA engine picks 24 h, or 12 h in warranty)."""
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    ensure_case_open(ticket)
    engineer = engineer or ticket.assignee
    if engineer is None or not engineer.is_engineer:
        raise ValidationError({"engineer": [gettext("Choose the engineer who will visit.")]})
    if not reason.strip():
        raise ValidationError({"reason": [gettext("Say why a visit is needed.")]})
    if Visit.objects.filter(ticket=ticket, status__in=ACTIVE_VISIT_STATUSES).exists():
        raise ValidationError({"ticket": [gettext("This case already has a visit under way.")]})
    now = timezone.now()
    visit = Visit.objects.create(
        ticket=ticket, engineer=engineer, reason=reason.strip(), decided_by=actor, decided_at=now, planned_at=planned_at
    )
    site = ticket.device.site if ticket.device is not None else None
    _event(
        ticket,
        actor,
        gettext("On-site visit decided: %(engineer)s will visit %(site)s.")
        % {"engineer": engineer, "site": site.address if site else ticket.organisation or ""},
        {"visit": visit.pk, "action": "decided"},
        notify=[engineer, ticket.contact],
    )
    milestone_record(ticket_id=ticket.pk, milestone=Milestone.ONSITE_DECIDED, actor=actor, at=now)
    return visit


@transaction.atomic
def visit_plan(*, visit_id: int, actor: User, planned_at: dt.datetime) -> Visit:
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    ensure_visit_transition(visit, VisitAction.PLAN)
    visit.planned_at = planned_at
    visit.save(update_fields=["planned_at"])
    _event(
        ticket,
        actor,
        gettext("Visit planned for %(time)s.") % {"time": pdf.when(planned_at)},
        {"visit": visit.pk, "action": "planned"},
        notify=[ticket.contact],
    )
    return visit


@transaction.atomic
def visit_depart(*, visit_id: int, actor: User) -> Visit:
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    visit.status = ensure_visit_transition(visit, VisitAction.DEPART)
    visit.departed_at = timezone.now()
    visit.save(update_fields=["status", "departed_at"])
    _event(ticket, actor, gettext("Engineer on the way."), {"visit": visit.pk, "action": "departed"})
    return visit


def _coordinate(value, low: int, high: int, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except InvalidOperation as e:
        raise ValidationError({field: [gettext("Not a number.")]}) from e
    if not (low <= number <= high):
        raise ValidationError({field: [gettext("Out of range.")]})
    return number


@transaction.atomic
def visit_arrive(*, visit_id: int, actor: User, latitude=None, longitude=None, accuracy_m: int | None = None) -> Visit:
    """Check in on site (签到): time, and the phone's location if the engineer allows it. Stops the on-site clock."""
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    status = ensure_visit_transition(visit, VisitAction.ARRIVE)
    lat = _coordinate(latitude, -90, 90, "latitude")
    lng = _coordinate(longitude, -180, 180, "longitude")
    if (lat is None) != (lng is None):
        raise ValidationError({"longitude": [gettext("Give both latitude and longitude, or neither.")]})
    now = timezone.now()
    visit.status, visit.arrived_at = status, now
    visit.arrival_latitude, visit.arrival_longitude = lat, lng
    visit.arrival_accuracy_m = accuracy_m if lat is not None else None
    visit.save()
    data = {"visit": visit.pk, "action": "arrived"}
    if lat is not None:
        data["location"] = [str(lat), str(lng)]
    _event(ticket, actor, gettext("Engineer arrived on site."), data, notify=[ticket.contact])
    milestone_record(ticket_id=ticket.pk, milestone=Milestone.ONSITE_ARRIVED, actor=actor, at=now)
    return visit


@transaction.atomic
def visit_record_restored(*, visit_id: int, actor: User, at: dt.datetime | None = None) -> Visit:
    """Service restored (业务恢复): recorded first, before the root cause is fixed."""
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    at = at or timezone.now()
    if visit.arrived_at is None:
        raise ValidationError({"status": [gettext("Check in on site first.")]})
    if at < visit.arrived_at or at > timezone.now():
        raise ValidationError({"at": [gettext("The time must be between arrival and now.")]})
    visit.service_restored_at = at
    visit.save(update_fields=["service_restored_at"])
    _event(
        ticket,
        actor,
        gettext("Service restored at %(time)s.") % {"time": pdf.when(at)},
        {"visit": visit.pk, "action": "restored"},
        notify=[ticket.contact],
    )
    return visit


@transaction.atomic
def visit_record_fixed(*, visit_id: int, actor: User, at: dt.datetime | None = None) -> Visit:
    """Root cause fixed (彻底修复): never before the service was restored."""
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    at = at or timezone.now()
    if visit.service_restored_at is None:
        raise ValidationError({"at": [gettext("Record when service was restored first.")]})
    if at < visit.service_restored_at or at > timezone.now():
        raise ValidationError({"at": [gettext("The fix comes after the restoration and before now.")]})
    visit.root_cause_fixed_at = at
    visit.save(update_fields=["root_cause_fixed_at"])
    _event(
        ticket,
        actor,
        gettext("Root cause fixed at %(time)s.") % {"time": pdf.when(at)},
        {"visit": visit.pk, "action": "fixed"},
    )
    return visit


@transaction.atomic
def visit_finish(*, visit_id: int, actor: User, summary: str) -> Visit:
    """Finish the visit with what was done on site (the visit record in the fault-handling report)."""
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    status = ensure_visit_transition(visit, VisitAction.FINISH)
    if not summary.strip():
        raise ValidationError({"summary": [gettext("Write what was done on site.")]})
    visit.status, visit.finished_at, visit.summary = status, timezone.now(), summary.strip()
    visit.save(update_fields=["status", "finished_at", "summary"])
    _event(ticket, actor, visit.summary, {"visit": visit.pk, "action": "finished"}, notify=managers_for(ticket))
    return visit


# --- major operations -----------------------------------------------------------------


@transaction.atomic
def major_operation_request(*, visit_id: int, actor: User, kind: str, description: str) -> MajorOperation:
    """Ask the customer's approval for a reinstall, reboot or data restore: none is done on their system without it."""
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    if kind not in OperationKind.values:
        raise ValidationError({"kind": [gettext("Choose a valid operation.")]})
    if not description.strip():
        raise ValidationError({"description": [gettext("Describe the operation and its impact.")]})
    ensure_visit_transition(visit, VisitAction.REQUEST_OPERATION)
    operation = MajorOperation.objects.create(
        visit=visit, kind=kind, description=description.strip(), requested_by=actor
    )
    _event(
        ticket,
        actor,
        gettext("Approval asked for %(operation)s: %(description)s")
        % {"operation": operation.get_kind_display(), "description": operation.description},
        {"visit": visit.pk, "operation": operation.pk, "action": "operation_requested"},
        notify=[ticket.contact],
    )
    return operation


def _lock_operation(operation_id: int) -> tuple[MajorOperation, Ticket]:
    ticket_id = MajorOperation.objects.values_list("visit__ticket_id", flat=True).get(pk=operation_id)
    ticket = lock_ticket(ticket_id)
    return MajorOperation.objects.select_for_update().select_related("visit").get(pk=operation_id), ticket


@transaction.atomic
def major_operation_approve(*, operation_id: int, actor: User, approver_name: str = "") -> MajorOperation:
    """Record the customer's approval: the contact in the portal, or staff writing down who approved on site."""
    operation, ticket = _lock_operation(operation_id)
    ensure_sees(actor, ticket)
    ensure_operation_transition(operation, OperationAction.APPROVE)
    if actor.is_customer:
        if not is_contact_of(actor, ticket.organisation_id):
            raise PermissionDenied(gettext("You may not do this on this case."))
        operation.approved_by, operation.approver_name = actor, str(actor)
    else:
        ensure_visit_worker(actor, operation.visit, ticket)
        if not approver_name.strip():
            raise ValidationError({"approver_name": [gettext("Name the customer's person who approved.")]})
        operation.approver_name, operation.recorded_by = approver_name.strip(), actor
    operation.approved_at = timezone.now()
    operation.save()
    _event(
        ticket,
        actor,
        gettext("%(operation)s approved by %(name)s.")
        % {"operation": operation.get_kind_display(), "name": operation.approver_name},
        {"visit": operation.visit_id, "operation": operation.pk, "action": "operation_approved"},
        notify=[operation.visit.engineer],
    )
    return operation


@transaction.atomic
def major_operation_done(*, operation_id: int, actor: User) -> MajorOperation:
    """Mark the operation done: refused unless the customer's approval is recorded."""
    operation, ticket = _lock_operation(operation_id)
    ensure_visit_worker(actor, operation.visit, ticket)
    ensure_operation_transition(operation, OperationAction.DONE)
    operation.done_at = timezone.now()
    operation.save(update_fields=["done_at"])
    _event(
        ticket,
        actor,
        gettext("%(operation)s done.") % {"operation": operation.get_kind_display()},
        {"visit": operation.visit_id, "operation": operation.pk, "action": "operation_done"},
    )
    return operation


# --- parts ----------------------------------------------------------------------------


@transaction.atomic
def part_add(
    *, ticket_id: int, actor: User, description: str, quantity: int, unit_price, visit: Visit | None = None
) -> PartLine:
    """Record a part used: free when the case's device is in warranty today, charged otherwise."""
    ticket = lock_ticket(ticket_id)
    ensure_handler(actor, ticket)
    errors: dict[str, list[str]] = {}
    if not description.strip():
        errors["description"] = [gettext("Describe the part.")]
    if not isinstance(quantity, int) or quantity < 1:
        errors["quantity"] = [gettext("At least one.")]
    try:
        price = Decimal(str(unit_price)).quantize(Decimal("0.01"))
        if price < 0:
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["unit_price"] = [gettext("Give a price of zero or more.")]
    if visit is not None and visit.ticket_id != ticket.pk:
        errors["visit"] = [gettext("This visit belongs to another case.")]
    if errors:
        raise ValidationError(errors)
    in_warranty = ticket.device is not None and ticket.device.in_warranty(timezone.localdate())
    line = PartLine.objects.create(
        ticket=ticket,
        visit=visit,
        description=description.strip(),
        quantity=quantity,
        unit_price=price,
        in_warranty=in_warranty,
        amount_charged=Decimal(0) if in_warranty else price * quantity,
        added_by=actor,
    )
    body = (
        gettext("Part used: %(part)s × %(qty)d (in warranty, free).")
        if in_warranty
        else gettext("Part used: %(part)s × %(qty)d, charged %(amount)s.")
    ) % {"part": line.description, "qty": quantity, "amount": line.amount_charged}
    _event(ticket, actor, body, {"part": line.pk, "action": "part", "charged": str(line.amount_charged)})
    return line


# --- the technical-service application ------------------------------------------------


@transaction.atomic
def service_application_prepare(*, visit_id: int, actor: User, work_description: str) -> ServiceApplication:
    """Write the technical-service application for the customer's responsible person to sign."""
    visit, ticket = _lock_visit(visit_id)
    ensure_visit_worker(actor, visit, ticket)
    if not work_description.strip():
        raise ValidationError({"work_description": [gettext("Describe the service to be done.")]})
    if ServiceApplication.objects.filter(visit=visit).exists():
        raise ValidationError({"visit": [gettext("This visit already has its application.")]})
    application = ServiceApplication.objects.create(
        visit=visit, ticket=ticket, work_description=work_description.strip(), created_by=actor
    )
    _event(
        ticket, actor, gettext("Technical-service application prepared."), {"visit": visit.pk, "action": "application"}
    )
    return application


def service_application_token(application: ServiceApplication) -> str:
    """The signing link's token (emailed to the responsible person, or shown as a QR code)."""
    return links.make_token(links.APPLICATION_SIGNING, application.pk, application.ticket.contact_id)


def application_pdf(application: ServiceApplication, signature_png: bytes | None) -> bytes:
    ticket, visit = application.ticket, application.visit
    device = ticket.device
    site = device.site if device and device.site_id else None
    rows = [
        (gettext("Case"), f"{ticket.reference} {ticket.subject}"),
        (gettext("Customer"), str(ticket.organisation or ticket.requester_display)),
        (gettext("Device"), str(device) if device else "—"),
        (gettext("Site"), site.address if site else "—"),
        (gettext("Engineer"), str(visit.engineer)),
        (gettext("Arrived at"), pdf.when(visit.arrived_at)),
    ]
    signed = [
        (gettext("Signed by"), application.signer_name),
        (gettext("Signed at"), pdf.when(application.signed_at)),
        (gettext("Signed"), application.get_signed_via_display()),
    ]
    return pdf.render(
        title=gettext("Technical-service application"),
        subtitle=f"{ticket.reference} · 技术服务申请",
        sections=[
            pdf.Section(gettext("Case"), rows=rows),
            pdf.Section(gettext("Service requested"), text=application.work_description),
            pdf.Section(gettext("Signature of the customer's responsible person"), rows=signed),
        ],
        signature_png=signature_png,
        signature_caption=f"{application.signer_name} · {pdf.when(application.signed_at)}",
    )


def _sign(application: ServiceApplication, ticket: Ticket, *, actor, signer_name: str, data_url: str, via: str):
    ensure_application_transition(application, ApplicationAction.SIGN)
    if not signer_name.strip():
        raise ValidationError({"signer_name": [gettext("Give the signer's name.")]})
    png = decode_signature(data_url)
    application.signer_name = signer_name.strip()[:100]
    application.signed_at = timezone.now()
    application.signed_via = via
    stamp = timezone.localtime(application.signed_at).strftime("%Y%m%d-%H%M%S")
    application.signature.save(f"signature-{stamp}.png", ContentFile(png), save=False)
    application.pdf.save(
        f"{ticket.reference}-service-application.pdf", ContentFile(application_pdf(application, png)), save=False
    )
    application.save()
    _event(
        ticket,
        actor,
        gettext("Technical-service application signed by %(name)s.") % {"name": application.signer_name},
        {"visit": application.visit_id, "application": application.pk, "action": "signed", "via": via},
        notify=[application.visit.engineer],
    )
    return application


def _lock_application(application_id: int) -> tuple[ServiceApplication, Ticket]:
    ticket_id = ServiceApplication.objects.values_list("ticket_id", flat=True).get(pk=application_id)
    ticket = lock_ticket(ticket_id)
    return (
        ServiceApplication.objects.select_for_update()
        .select_related("visit__engineer", "ticket")
        .get(pk=application_id),
        ticket,
    )


@transaction.atomic
def service_application_sign(
    *, application_id: int, actor: User, signer_name: str, data_url: str
) -> ServiceApplication:
    """The responsible person signs on the engineer's tablet or phone (or a contact in the portal)."""
    application, ticket = _lock_application(application_id)
    ensure_sees(actor, ticket)
    if not actor.is_customer:
        ensure_visit_worker(actor, application.visit, ticket)
    return _sign(application, ticket, actor=actor, signer_name=signer_name, data_url=data_url, via=SignedVia.DEVICE)


@transaction.atomic
def service_application_sign_by_link(*, token: str, signer_name: str, data_url: str) -> ServiceApplication:
    """The responsible person signs remotely through the signing link."""
    application_id, _ = links.read_token(links.APPLICATION_SIGNING, token)
    if not ServiceApplication.objects.filter(pk=application_id).exists():
        raise ValidationError({"token": [gettext("This link is not valid.")]})
    application, ticket = _lock_application(application_id)
    return _sign(application, ticket, actor=None, signer_name=signer_name, data_url=data_url, via=SignedVia.LINK)
