import datetime as dt

import pytest
from django.utils import timezone

from accounts.roles import Role
from dispatch.roster.services import duty_shift_create, engineer_profile_save

from ..factories import DeviceFactory, ProductFactory, SiteFactory, make_staff

H = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def make_engineer(db):
    """An engineer with a profile: make_engineer("li", product_lines=[...], regions=[...], max_open_cases=...)."""

    def make(username: str, *, product_lines=(), regions=(), max_open_cases=10, **user_fields):
        user = make_staff(Role.ENGINEER, username=username, **user_fields)
        engineer_profile_save(
            engineer=user,
            actor=None,
            product_lines=list(product_lines),
            regions=list(regions),
            max_open_cases=max_open_cases,
        )
        return user

    return make


@pytest.fixture
def put_on_duty(db):
    def put(engineer, *, hours_before=1, hours_after=8, **kwargs):
        now = timezone.now()
        kwargs.setdefault("on_call_phone", "13800000000")
        return duty_shift_create(
            actor=None, engineer=engineer, starts_at=now - hours_before * H, ends_at=now + hours_after * H, **kwargs
        )

    return put


@pytest.fixture
def storage_device(customer):
    """A storage array at the customer's Shenzhen site, delivered 100 days ago (in warranty)."""
    site = SiteFactory(organisation=customer.organisation, province="广东省", city="深圳市", district="南山区")
    return DeviceFactory(organisation=customer.organisation, site=site, product=ProductFactory(product_line="Storage"))


@pytest.fixture
def old_device(customer):
    """A device out of warranty (delivered three years ago)."""
    return DeviceFactory(
        organisation=customer.organisation,
        product=ProductFactory(product_line="Storage"),
        delivered_on=timezone.localdate() - dt.timedelta(days=3 * 365),
    )


@pytest.fixture
def sla_policies(db):
    """On site within 24 h (12 h in warranty); a solution 7 working days after escalation. Tests start without any."""
    from sla.models import Calendar, CalendarKind, ClockEvent, SlaPolicy, SlaTarget, TargetKind

    always = Calendar.objects.create(name="7×24", kind=CalendarKind.ALWAYS)
    working_days = Calendar.objects.create(name="Working days", kind=CalendarKind.WORKING_DAYS)
    default = SlaPolicy.objects.create(name="Standard", is_default=True)
    SlaTarget.objects.create(
        policy=default,
        kind=TargetKind.ON_SITE,
        duration=24 * H,
        calendar=always,
        start_event=ClockEvent.ONSITE_DECIDED,
        stop_event=ClockEvent.ONSITE_ARRIVED,
    )
    SlaTarget.objects.create(
        policy=default,
        kind=TargetKind.ESCALATION_SOLUTION,
        duration=dt.timedelta(days=7),
        calendar=working_days,
        start_event=ClockEvent.ESCALATED,
        stop_event=ClockEvent.SOLUTION_GIVEN,
    )
    warranty = SlaPolicy.objects.create(name="In warranty", device_in_warranty=True)
    SlaTarget.objects.create(
        policy=warranty,
        kind=TargetKind.ON_SITE,
        duration=12 * H,
        calendar=always,
        start_event=ClockEvent.ONSITE_DECIDED,
        stop_event=ClockEvent.ONSITE_ARRIVED,
    )
    return {"default": default, "warranty": warranty}


@pytest.fixture(autouse=True)
def _on_commit_runs_at_once(request, monkeypatch):
    """Tests run inside a transaction that never commits: run on-commit work (queueing the
    emails and automatic dispatch, eager in tests) at once. Transactional tests commit for real."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        return
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())
