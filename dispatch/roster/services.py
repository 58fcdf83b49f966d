"""Engineer profiles, certificates and the duty roster (no case is touched, so no timeline event)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from accounts.models import User
from accounts.roles import Role
from customers.models import Organisation
from tickets.models import Department

from .access import ensure_roster_manager
from .models import Certification, DutyKind, DutyShift, EngineerProfile


def _engineer(user: User, field: str = "engineer") -> None:
    if not (user.is_active and user.has_role(Role.ENGINEER)):
        raise ValidationError({field: [gettext("%(name)s is not an active engineer.") % {"name": user}]})


def _clean_regions(regions: list) -> list[dict[str, str]]:
    cleaned = []
    for region in regions:
        if isinstance(region, str):
            province, _, city = region.partition("/")
            region = {"province": province, "city": city}
        if not isinstance(region, dict) or not str(region.get("province", "")).strip():
            raise ValidationError({"regions": [gettext("Each region needs a province (and optionally a city).")]})
        cleaned.append({"province": str(region["province"]).strip(), "city": str(region.get("city") or "").strip()})
    return cleaned


@transaction.atomic
def engineer_profile_save(
    *,
    engineer: User,
    actor: User | None,
    product_lines: list[str] | None = None,
    regions: list | None = None,
    max_open_cases: int | None = None,
    notes: str | None = None,
) -> EngineerProfile:
    """Create or change an engineer's profile; only the arguments given change."""
    ensure_roster_manager(actor)
    _engineer(engineer)
    profile, _ = EngineerProfile.objects.select_for_update().get_or_create(user=engineer)
    if product_lines is not None:
        profile.product_lines = sorted({p.strip() for p in product_lines if p and p.strip()})
    if regions is not None:
        profile.regions = _clean_regions(regions)
    if max_open_cases is not None:
        if max_open_cases < 1:
            raise ValidationError({"max_open_cases": [gettext("An engineer takes at least one case.")]})
        profile.max_open_cases = max_open_cases
    if notes is not None:
        profile.notes = notes
    profile.save()
    return profile


def certification_add(
    *,
    engineer: User,
    actor: User | None,
    name: str,
    number: str = "",
    product_line: str = "",
    covers_patches: bool = False,
    valid_until: dt.date | None = None,
) -> Certification:
    ensure_roster_manager(actor)
    _engineer(engineer)
    if not name.strip():
        raise ValidationError({"name": [gettext("Name the certificate.")]})
    return Certification.objects.create(
        engineer=engineer,
        name=name.strip(),
        number=number,
        product_line=product_line,
        covers_patches=covers_patches,
        valid_until=valid_until,
    )


def _validate_shift(
    *, engineer: User, starts_at: dt.datetime, ends_at: dt.datetime, on_call_phone: str, kind: str, exclude: int | None
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in DutyKind.values:
        errors["kind"] = [gettext("Choose a valid shift.")]
    if ends_at <= starts_at:
        errors["ends_at"] = [gettext("A shift ends after it starts.")]
    if not on_call_phone.strip():
        errors["on_call_phone"] = [gettext("Give the on-call phone number.")]
    if not errors:
        clash = DutyShift.objects.filter(engineer=engineer, starts_at__lt=ends_at, ends_at__gt=starts_at)
        if exclude:
            clash = clash.exclude(pk=exclude)
        if clash.exists():
            errors["starts_at"] = [gettext("%(name)s already has a shift at that time.") % {"name": engineer}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def duty_shift_create(
    *,
    actor: User | None,
    engineer: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    on_call_phone: str = "",
    kind: str = DutyKind.DAY,
    department: Department | None = None,
    organisation: Organisation | None = None,
    note: str = "",
) -> DutyShift:
    """Put an engineer on the roster. The on-call phone defaults to the engineer's own phone."""
    ensure_roster_manager(actor)
    _engineer(engineer)
    on_call_phone = on_call_phone or engineer.phone
    # Lock the engineer's row so two managers cannot book overlapping shifts at once.
    User.objects.select_for_update().filter(pk=engineer.pk).first()
    _validate_shift(
        engineer=engineer, starts_at=starts_at, ends_at=ends_at, on_call_phone=on_call_phone, kind=kind, exclude=None
    )
    return DutyShift.objects.create(
        engineer=engineer,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        on_call_phone=on_call_phone.strip(),
        department=department,
        organisation=organisation,
        note=note,
        created_by=actor,
    )


SHIFT_FIELDS = ("engineer", "kind", "starts_at", "ends_at", "on_call_phone", "department", "organisation", "note")


@transaction.atomic
def duty_shift_update(*, shift_id: int, actor: User | None, **changes) -> DutyShift:
    ensure_roster_manager(actor)
    unknown = set(changes) - set(SHIFT_FIELDS)
    if unknown:
        raise ValidationError({f: [gettext("This field cannot be changed.")] for f in unknown})
    shift = DutyShift.objects.select_for_update().get(pk=shift_id)
    for field, value in changes.items():
        setattr(shift, field, value)
    _engineer(shift.engineer)
    User.objects.select_for_update().filter(pk=shift.engineer_id).first()
    _validate_shift(
        engineer=shift.engineer,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        on_call_phone=shift.on_call_phone,
        kind=shift.kind,
        exclude=shift.pk,
    )
    shift.save()
    return shift


@transaction.atomic
def duty_shift_delete(*, shift_id: int, actor: User | None) -> None:
    ensure_roster_manager(actor)
    DutyShift.objects.filter(pk=shift_id).delete()
