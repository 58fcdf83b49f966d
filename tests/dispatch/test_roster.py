"""Engineer profiles and the 7×24 duty roster."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dispatch.models import DutyKind
from dispatch.roster.selectors import duty_list_now
from dispatch.roster.services import certification_add, duty_shift_create, engineer_profile_save

from ..factories import DepartmentFactory

H = dt.timedelta(hours=1)


def test_profile_keeps_skills_regions_and_load_limit(make_engineer):
    engineer = make_engineer(
        "li", product_lines=["Storage", " Network ", "Storage"], regions=["广东省/深圳市", {"province": "北京市"}]
    )
    profile = engineer.engineer_profile
    assert profile.product_lines == ["Network", "Storage"]
    assert profile.has_skill("storage")
    assert profile.covers_region("广东省", "深圳市")
    assert not profile.covers_region("广东省", "广州市")
    assert profile.covers_region("北京市", "北京市")  # the whole province


def test_only_supervisors_edit_profiles(engineer, agent):
    with pytest.raises(PermissionDenied):
        engineer_profile_save(engineer=engineer, actor=agent, product_lines=["Storage"])


def test_profile_is_only_for_engineers(manager, customer):
    with pytest.raises(ValidationError) as e:
        engineer_profile_save(engineer=customer, actor=manager)
    assert "engineer" in e.value.message_dict


def test_certificate_validity(engineer, manager):
    cert = certification_add(
        engineer=engineer, actor=manager, name="Storage L3", covers_patches=True, valid_until=timezone.localdate()
    )
    assert cert.is_valid()
    assert not cert.is_valid(timezone.localdate() + dt.timedelta(days=1))


def test_on_duty_now_lists_running_shifts_with_phone(engineer, other_engineer, manager):
    now = timezone.now()
    department = DepartmentFactory()
    running = duty_shift_create(
        actor=manager,
        engineer=engineer,
        starts_at=now - H,
        ends_at=now + 7 * H,
        on_call_phone="13900001111",
        kind=DutyKind.NIGHT,
        department=department,
    )
    later = duty_shift_create(
        actor=manager, engineer=other_engineer, starts_at=now + H, ends_at=now + 9 * H, on_call_phone="1"
    )

    assert list(duty_list_now()) == [running]
    assert list(duty_list_now(department_id=department.pk)) == [running]
    assert list(duty_list_now(department_id=DepartmentFactory().pk)) == []
    assert list(duty_list_now(at=now + 2 * H)) == [running, later]
    assert running.on_call_phone == "13900001111"


def test_overlapping_shifts_for_one_engineer_are_refused(engineer, manager):
    now = timezone.now()
    duty_shift_create(actor=manager, engineer=engineer, starts_at=now, ends_at=now + 8 * H, on_call_phone="1")
    with pytest.raises(ValidationError) as e:
        duty_shift_create(
            actor=manager, engineer=engineer, starts_at=now + 7 * H, ends_at=now + 9 * H, on_call_phone="1"
        )
    assert "starts_at" in e.value.message_dict


def test_shift_must_end_after_it_starts(engineer, manager):
    now = timezone.now()
    with pytest.raises(ValidationError) as e:
        duty_shift_create(actor=manager, engineer=engineer, starts_at=now, ends_at=now, on_call_phone="1")
    assert "ends_at" in e.value.message_dict


def test_go_live_duty_names_the_customer(engineer, manager, customer):
    now = timezone.now()
    shift = duty_shift_create(
        actor=manager,
        engineer=engineer,
        starts_at=now - H,
        ends_at=now + H,
        on_call_phone="1",
        kind=DutyKind.GO_LIVE,
        organisation=customer.organisation,
    )
    assert duty_list_now().get().organisation == customer.organisation
    assert shift.get_kind_display() == "Go-live duty"
