"""Engineer dispatch: suggestions, the three modes (manager, pool, automatic), accept/decline, re-dispatch.

Race safety: every write locks the case row first (``lock_ticket``; ``ticket_transition`` locks
it again in the same transaction). Whoever gets the lock second sees what the first one wrote
and is refused with ``DispatchConflict`` before anything is written.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.cache import cached
from core.tasks import enqueue
from tickets.lifecycle import OPEN_STATUSES, Action, Status
from tickets.models import Category, Ticket
from tickets.selectors import engineer_list
from tickets.services import ticket_assign, ticket_transition
from warranty.models import ServiceContract

from ..events import DispatchEvent
from ..models import AutoRule, CaseDispatch, Certification, DispatchMode, DispatchPolicy, DutyShift, EngineerProfile
from ..roster.selectors import duty_list_now
from .common import DispatchConflict, case_state, lock_ticket, managers_for, record_event

logger = logging.getLogger(__name__)

# One reason, wherever an uncertified engineer is refused for patch work or ranked last for it.
CERTIFICATE_NEEDED = _("Patch and upgrade work needs an engineer with a valid patch-installation certificate.")
# "Keep whatever is there": the default of ``expected_assignee_id`` (no optimistic check).
ANY = object()
# Cases that count towards an engineer's load: assigned to them and not finished.
LOAD_STATUSES = OPEN_STATUSES - {Status.NEW}


# --- reading the facts ----------------------------------------------------------------


def policy_for(ticket: Ticket) -> DispatchPolicy:
    """The department's dispatch policy; an unsaved manager-mode one when it has none."""
    if ticket.department_id:
        policy = DispatchPolicy.objects.filter(department_id=ticket.department_id).first()
        if policy:
            return policy
    return DispatchPolicy(department=ticket.department, mode=DispatchMode.MANAGER)


def dedicated_engineer_for(ticket: Ticket, on: dt.date | None = None) -> tuple[User | None, ServiceContract | None]:
    """The dedicated engineer of the contract in force for the case's device (or organisation)."""
    if not ticket.organisation_id:
        return None, None
    on = on or timezone.localdate()
    contracts = ServiceContract.objects.filter(
        organisation_id=ticket.organisation_id, starts_on__lte=on, ends_on__gte=on, dedicated_engineer__isnull=False
    ).select_related("dedicated_engineer")
    best = None
    for contract in contracts.order_by("-starts_on", "pk"):
        covers_device = ticket.device_id and contract.devices.filter(pk=ticket.device_id).exists()
        if covers_device:
            best = contract
            break
        if best is None and not contract.devices.exists():
            best = contract  # an organisation-wide contract, unless one names the device
    engineer = best.dedicated_engineer if best is not None else None
    if engineer is None or not engineer.is_active:
        return None, None
    return engineer, best


def engineer_loads(engineer_ids: list[int]) -> dict[int, int]:
    """Open cases assigned to each engineer, in one query."""
    rows = (
        Ticket.objects.filter(assignee_id__in=engineer_ids, status__in=LOAD_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("pk"))
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def _patch_certified(engineer_ids: list[int], product_line: str, on: dt.date) -> set[int]:
    certs = Certification.objects.filter(engineer_id__in=engineer_ids, covers_patches=True)
    return {
        c.engineer_id
        for c in certs
        if c.is_valid(on) and (not c.product_line or c.product_line.casefold() == product_line.casefold())
    }


# --- suggestions ----------------------------------------------------------------------


@dataclass
class Suggestion:
    """One engineer for a case, with why. ``eligible`` is False when a rule forbids assigning them."""

    engineer: User
    dedicated: bool = False
    skill: bool = False
    region: bool = False
    on_duty: bool = False
    load: int = 0
    max_open_cases: int = 0
    at_capacity: bool = False
    eligible: bool = True
    passed_over: bool = False
    on_call_phone: str = ""
    reasons: list[str] = field(default_factory=list)

    @property
    def sort_key(self) -> tuple:
        # Ranking, most important first: eligible; the contract's dedicated engineer; not at the
        # load limit; skill for the device's product line; region of the device's site; on duty
        # now; fewest open cases. Tie-break: not passed over before, then the lowest user id (the
        # longest-registered engineer), so the same facts always give the same order.
        return (
            not self.eligible,
            not self.dedicated,
            self.at_capacity,
            not self.skill,
            not self.region,
            not self.on_duty,
            self.load,
            self.passed_over,
            self.engineer.pk,
        )


def _candidates(ticket: Ticket) -> list[User]:
    engineers = list(engineer_list().distinct())
    in_department = [e for e in engineers if ticket.department_id and e.department_id == ticket.department_id]
    return in_department or engineers


def engineer_suggest(ticket: Ticket, *, at: dt.datetime | None = None) -> list[Suggestion]:
    """Rank the engineers for ``ticket``, best first, each with its reasons (see ``Suggestion.sort_key``).

    Engineers of the case's department are considered (all engineers when it has none). A fixed
    number of queries whatever the team size: engineers, profiles, loads, duty, contract, certificates.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    engineers = _candidates(ticket)
    if not engineers:
        return []
    ids = [e.pk for e in engineers]
    profiles = {p.user_id: p for p in EngineerProfile.objects.filter(user_id__in=ids)}
    loads = engineer_loads(ids)
    duty: dict[int, DutyShift] = {}
    for shift in duty_list_now(at=at).filter(engineer_id__in=ids):
        duty.setdefault(shift.engineer_id, shift)
    dedicated, contract = dedicated_engineer_for(ticket, today)
    device = ticket.device
    product_line = device.product.product_line if device else ""
    site = device.site if device else None
    province, city = (site.province, site.city) if site else ("", "")
    needs_cert = ticket.category == Category.PATCH
    certified = _patch_certified(ids, product_line, today) if needs_cert else set()
    passed_over = set(CaseDispatch.objects.filter(ticket=ticket).values_list("passed_over", flat=True).first() or [])

    suggestions = []
    for engineer in engineers:
        profile = profiles.get(engineer.pk) or EngineerProfile(user=engineer)
        s = Suggestion(engineer=engineer, load=loads.get(engineer.pk, 0), max_open_cases=profile.max_open_cases)
        if dedicated is not None and contract is not None and dedicated.pk == engineer.pk:
            s.dedicated = True
            s.reasons.append(gettext("Dedicated engineer of contract %(number)s") % {"number": contract.number})
        if product_line:
            s.skill = profile.has_skill(product_line)
            s.reasons.append(
                (gettext("Handles %(line)s") if s.skill else gettext("No %(line)s skill")) % {"line": product_line}
            )
        if province:
            s.region = profile.covers_region(province, city)
            where = " ".join(p for p in (province, city) if p)
            s.reasons.append(
                (gettext("Works in %(region)s") if s.region else gettext("Not in %(region)s")) % {"region": where}
            )
        on_shift = duty.get(engineer.pk)
        if on_shift is not None:
            s.on_duty, s.on_call_phone = True, on_shift.on_call_phone
            s.reasons.append(
                gettext("On duty now until %(time)s")
                % {"time": f"{timezone.localtime(on_shift.ends_at):%Y-%m-%d %H:%M}"}
            )
        s.at_capacity = s.load >= s.max_open_cases
        s.reasons.append(
            gettext("%(count)d open cases (limit %(limit)d)") % {"count": s.load, "limit": s.max_open_cases}
        )
        if s.at_capacity:
            s.reasons.append(gettext("At the load limit"))
        if needs_cert and engineer.pk not in certified:
            s.eligible = False
            s.reasons.append(str(CERTIFICATE_NEEDED))
        if engineer.pk in passed_over:
            s.passed_over = True
            s.reasons.append(gettext("Declined or did not accept this case before"))
        suggestions.append(s)
    suggestions.sort(key=lambda s: s.sort_key)
    return suggestions


# --- rules ----------------------------------------------------------------------------


def _ensure_certified(ticket: Ticket, engineer: User | None) -> None:
    if ticket.category != Category.PATCH or engineer is None:
        return
    device = ticket.device if ticket.device_id else None
    product_line = device.product.product_line if device is not None else ""
    if engineer.pk not in _patch_certified([engineer.pk], product_line, timezone.localdate()):
        raise ValidationError({"assignee": [str(CERTIFICATE_NEEDED)]})


def assign_guard(ticket: Ticket, *, assignee: User | None, **_context) -> None:
    """The lifecycle's ASSIGN asks this on every path (page, API, admin, dispatch): certificates for patch work."""
    _ensure_certified(ticket, assignee)


def _set_awaiting(ticket: Ticket, engineer: User, policy: DispatchPolicy, now: dt.datetime) -> None:
    state = case_state(ticket)
    state.awaiting = engineer
    state.accept_due_at = now + dt.timedelta(minutes=policy.accept_minutes)
    state.save(update_fields=["awaiting", "accept_due_at"])


def _assign(*, ticket: Ticket, engineer: User, actor: User | None, note: str, data: dict) -> Ticket:
    """Assign the locked case through the one assign (the lifecycle and its guards); the acceptance
    clock starts in ``on_transition``."""
    return ticket_assign(ticket_id=ticket.pk, assignee=engineer, actor=actor, note=note, data=data)


# --- the manager assigns --------------------------------------------------------------


@transaction.atomic
def dispatch_assign(
    *, ticket_id: int, engineer: User, actor: User | None, note: str = "", expected_assignee_id=ANY
) -> Ticket:
    """The manager assigns (or reassigns) a case.

    ``expected_assignee_id`` is the engineer the manager saw on the case (``None``: unassigned).
    If someone assigned it meanwhile, the second manager is refused with ``DispatchConflict``
    and nothing is written. Pass ``ANY`` to skip the check.
    """
    ticket = lock_ticket(ticket_id)
    if actor is not None and not actor.is_supervisor:
        raise PermissionDenied(gettext("Only after-sales managers dispatch cases."))
    if expected_assignee_id is not ANY and ticket.assignee_id != expected_assignee_id:
        raise DispatchConflict(
            gettext("%(reference)s was just assigned to %(engineer)s by someone else; reload and try again.")
            % {"reference": ticket.reference, "engineer": ticket.assignee or gettext("nobody")}
        )
    return _assign(ticket=ticket, engineer=engineer, actor=actor, note=note, data={"mode": DispatchMode.MANAGER})


# --- engineers claim from the pool ----------------------------------------------------


def claim_refusal(ticket: Ticket, engineer: User, policy: DispatchPolicy) -> str | None:
    """Why ``engineer`` may not claim ``ticket`` under the pool rules, or None if they may."""
    if policy.mode != DispatchMode.POOL:
        return gettext("This department's cases are dispatched by the manager, not claimed.")
    profile = EngineerProfile.objects.filter(user=engineer).first() or EngineerProfile(user=engineer)
    device = ticket.device
    if policy.pool_requires_skill and device and device.product.product_line:
        if not profile.has_skill(device.product.product_line):
            return gettext("You do not have the %(line)s skill.") % {"line": device.product.product_line}
    if policy.pool_requires_region and device and device.site and device.site.province:
        if not profile.covers_region(device.site.province, device.site.city):
            return gettext("The site is outside your regions.")
    if policy.enforce_load_limit and engineer_loads([engineer.pk]).get(engineer.pk, 0) >= profile.max_open_cases:
        return gettext("You are at your limit of %(limit)d open cases.") % {"limit": profile.max_open_cases}
    if ticket.category == Category.PATCH:
        try:
            _ensure_certified(ticket, engineer)
        except ValidationError as e:
            return " ".join(e.messages)
    return None


@transaction.atomic
def ticket_claim(*, ticket_id: int, engineer: User) -> Ticket:
    """An engineer takes a case from the pool (抢单): assigned to them and accepted at once.

    Two engineers claiming at once: the second waits for the row lock, then finds the case
    taken and gets ``DispatchConflict``.
    """
    ticket = lock_ticket(ticket_id)
    if ticket.status != Status.NEW or ticket.assignee_id is not None:
        raise DispatchConflict(gettext("%(reference)s has already been taken.") % {"reference": ticket.reference})
    refusal = claim_refusal(ticket, engineer, policy_for(ticket))
    if refusal:
        raise PermissionDenied(refusal)
    note = gettext("Claimed from the pool by %(engineer)s.") % {"engineer": engineer}
    ticket_transition(
        ticket_id=ticket.pk,
        action=Action.ASSIGN,
        actor=None,
        assignee=engineer,
        note=note,
        is_public=False,
        data={"mode": DispatchMode.POOL},
    )
    # Accepted at once: the START ends the acceptance wait (on_transition).
    return ticket_transition(ticket_id=ticket.pk, action=Action.START, actor=engineer)


# --- automatic dispatch ---------------------------------------------------------------


def _auto_pick(ticket: Ticket, policy: DispatchPolicy) -> User | None:
    ranked = [s for s in engineer_suggest(ticket) if s.eligible and not s.passed_over]
    if policy.enforce_load_limit:
        ranked = [s for s in ranked if not s.at_capacity or s.dedicated]
    if not ranked:
        return None
    rule = policy.auto_rule
    if rule == AutoRule.DEDICATED:
        return ranked[0].engineer  # the ranking puts the dedicated engineer first
    if rule == AutoRule.ROUND_ROBIN:
        by_id = sorted(ranked, key=lambda s: s.engineer.pk)
        last = policy.last_engineer_id or 0
        after = [s for s in by_id if s.engineer.pk > last]
        return (after or by_id)[0].engineer
    if rule == AutoRule.REGION:
        return min(ranked, key=lambda s: (not s.region, s.load, s.engineer.pk)).engineer
    if rule == AutoRule.SKILL:
        return min(ranked, key=lambda s: (not s.skill, s.load, s.engineer.pk)).engineer
    return min(ranked, key=lambda s: (s.load, s.engineer.pk)).engineer  # FEWEST_OPEN


@transaction.atomic
def dispatch_auto(*, ticket_id: int) -> Ticket | None:
    """Assign an unassigned case by its department's automatic rule; None when nobody fits (the manager is told)."""
    ticket = lock_ticket(ticket_id)
    policy = policy_for(ticket)
    if policy.mode != DispatchMode.AUTO or ticket.status != Status.NEW or ticket.assignee_id:
        return None
    CaseDispatch.objects.update_or_create(ticket=ticket, defaults={"auto_tried_at": timezone.now()})
    engineer = _auto_pick(ticket, policy)
    if engineer is None:
        record_event(
            ticket=ticket,
            kind=DispatchEvent.DISPATCH,
            actor=None,
            body=gettext("No engineer fits the automatic dispatch rules; the manager must assign this case."),
            data={"action": "auto_failed"},
            notify=managers_for(ticket),
        )
        return None
    note = gettext("Dispatched automatically (%(rule)s).") % {"rule": policy.get_auto_rule_display()}
    ticket = _assign(
        ticket=ticket,
        engineer=engineer,
        actor=None,
        note=note,
        data={"mode": DispatchMode.AUTO, "rule": policy.auto_rule},
    )
    if policy.pk:
        DispatchPolicy.objects.filter(pk=policy.pk).update(last_engineer=engineer)
    return ticket


# --- the engineer accepts or declines -------------------------------------------------


def _clear_awaiting(ticket: Ticket) -> None:
    CaseDispatch.objects.filter(ticket=ticket).update(awaiting=None, accept_due_at=None)


def _return_to_queue(*, ticket: Ticket, engineer: User, actor: User | None, reason: str, action: str) -> None:
    """Put an assigned, not yet accepted case back where it came from: unassigned and new,
    through the lifecycle's UNASSIGN (which writes the status change on the timeline)."""
    policy = policy_for(ticket)
    returned = ticket_transition(ticket_id=ticket.pk, action=Action.UNASSIGN, actor=actor, note=reason, is_public=False)
    ticket.status, ticket.assignee, ticket.assigned_at = returned.status, None, None
    state = case_state(ticket)
    state.awaiting, state.accept_due_at = None, None
    state.passed_over = sorted({*state.passed_over, engineer.pk})
    state.redispatch_count += 1
    state.auto_tried_at = None  # to be dispatched again: the sweep finds it if the message is lost
    state.save(update_fields=["awaiting", "accept_due_at", "passed_over", "redispatch_count", "auto_tried_at"])
    where = {
        DispatchMode.POOL.value: gettext("back in the pool"),
        DispatchMode.AUTO.value: gettext("dispatched again automatically"),
    }.get(policy.mode, gettext("back with the manager"))
    record_event(
        ticket=ticket,
        kind=DispatchEvent.DISPATCH,
        actor=actor,
        body=reason,
        data={
            "action": action,
            "engineer": engineer.pk,
            "engineer_name": str(engineer),
            "where": where,
        },
        notify=managers_for(ticket),
    )
    if policy.mode == DispatchMode.AUTO:
        transaction.on_commit(lambda: enqueue(_auto_task(), ticket.pk))


def _auto_task():
    from ..tasks import dispatch_auto_task

    return dispatch_auto_task


@transaction.atomic
def assignment_decline(*, ticket_id: int, engineer: User, reason: str) -> Ticket:
    """The assigned engineer declines (with a reason): the case goes back to the pool or the manager."""
    if not reason.strip():
        raise ValidationError({"reason": [gettext("Say why you decline this case.")]})
    ticket = lock_ticket(ticket_id)
    if ticket.assignee_id != engineer.pk:
        raise PermissionDenied(gettext("Only the assigned engineer declines a case."))
    if ticket.status != Status.ASSIGNED:
        raise ValidationError({"status": [gettext("Only a case not yet accepted can be declined.")]})
    _return_to_queue(
        ticket=ticket,
        engineer=engineer,
        actor=engineer,
        reason=gettext("Declined: %(reason)s") % {"reason": reason.strip()},
        action="declined",
    )
    return ticket


# --- the sweep: cases not accepted in time --------------------------------------------


def dispatch_sweep_unaccepted(*, now: dt.datetime | None = None, batch_size: int = 200) -> int:
    """Re-dispatch every case whose acceptance time passed; returns how many. Safe with two sweepers.

    Reads only due rows on ``accept_due_at``'s index; each row is claimed with a conditional
    UPDATE, so a case is re-dispatched (and the manager told) once.
    """
    now = now or timezone.now()
    done = 0
    due = CaseDispatch.objects.filter(accept_due_at__lte=now).order_by("accept_due_at")
    for row in list(due.values("ticket_id", "accept_due_at")[:batch_size]):
        with transaction.atomic():
            claimed = CaseDispatch.objects.filter(
                ticket_id=row["ticket_id"], accept_due_at=row["accept_due_at"]
            ).update(accept_due_at=None)
            if claimed != 1:
                continue  # another sweeper, or the engineer accepted meanwhile
            ticket = lock_ticket(row["ticket_id"])
            engineer = ticket.assignee
            if ticket.status != Status.ASSIGNED or engineer is None:
                continue
            _return_to_queue(
                ticket=ticket,
                engineer=engineer,
                actor=None,
                reason=gettext("%(engineer)s did not accept the case in time.") % {"engineer": engineer},
                action="timed_out",
            )
            done += 1
    if done:
        logger.info("dispatch sweep: %d cases dispatched again", done)
    return done


# --- the sweep: automatic dispatches whose message was lost --------------------------------

# A new case's dispatch message normally runs within seconds; after this, the sweep assumes it was lost.
UNQUEUED_GRACE = dt.timedelta(minutes=2)
# Older new cases are the manager's already (and the sweep's query stays on recent rows).
UNQUEUED_HORIZON = dt.timedelta(days=7)


def dispatch_sweep_unqueued(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Queue automatic dispatch again for new cases of automatic departments that it never looked at
    (the broker was down when they were opened, or lost the message). Returns how many were queued.

    Reads new, unassigned cases of those departments created in the last week, on the
    (department, status, created) index; ``dispatch_auto`` is idempotent, so a message queued twice
    assigns once.
    """
    now = now or timezone.now()
    departments = auto_department_ids()
    if not departments:
        return 0
    tried = CaseDispatch.objects.filter(ticket=OuterRef("pk"), auto_tried_at__isnull=False)
    ids = list(
        Ticket.objects.filter(
            department_id__in=departments,
            status=Status.NEW,
            assignee__isnull=True,
            created_at__lte=now - UNQUEUED_GRACE,
            created_at__gte=now - UNQUEUED_HORIZON,
        )
        .exclude(Exists(tried))
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    task = _auto_task()
    queued = sum(enqueue(task, pk) for pk in ids)
    if queued:
        logger.info("dispatch sweep: automatic dispatch queued again for %d cases", queued)
    return queued


# --- reacting to the lifecycle --------------------------------------------------------


def on_transition(*, ticket: Ticket, action: str, from_status: str) -> None:
    """Whoever assigns (pages, API, services), the engineer has ``accept_minutes`` to accept; any
    other move (START, CANCEL, …) ends the wait. Runs in the transition's transaction, row locked."""
    if action == Action.ASSIGN and ticket.assignee is not None:
        _set_awaiting(ticket, ticket.assignee, policy_for(ticket), timezone.now())
    elif from_status == Status.ASSIGNED:
        _clear_awaiting(ticket)


AUTO_DEPARTMENTS_KEY = "dispatch:auto-departments"


def auto_department_ids() -> frozenset[int]:
    """Departments dispatched automatically, cached: every new case asks (cleared when a policy is saved)."""
    return cached(
        AUTO_DEPARTMENTS_KEY,
        lambda: frozenset(
            DispatchPolicy.objects.filter(mode=DispatchMode.AUTO).values_list("department_id", flat=True)
        ),
        300,
    )


def on_created(*, ticket: Ticket) -> None:
    if ticket.department_id in auto_department_ids():
        transaction.on_commit(lambda: enqueue(_auto_task(), ticket.pk))
