"""The demo the README promises: one user per role, cases in every state, safe to load twice."""

from django.core.management import call_command

from accounts.models import User
from accounts.roles import Role
from dispatch.models import DutyShift, FaultReport
from dispatch.roster.selectors import duty_list_now
from tickets.lifecycle import Status
from tickets.models import ArchiveReason, Ticket


def test_demo_data_loads_every_role_and_state_and_can_run_again(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("demo_data")
    counts = (User.objects.count(), Ticket.objects.count(), DutyShift.objects.count())

    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists() or role == Role.ADMIN
    assert User.objects.filter(username="admin", is_superuser=True).exists()
    assert set(Ticket.objects.values_list("status", flat=True)) == set(Status.values)
    reasons = set(Ticket.objects.filter(status=Status.ARCHIVED).values_list("archive_reason", flat=True))
    assert reasons == {ArchiveReason.SATISFIED, ArchiveReason.NO_ANSWER}
    assert list(duty_list_now()), "someone is on duty now"
    assert FaultReport.objects.exists()
    assert User.objects.get(username="manager").check_password("demo-pass-2026")

    call_command("demo_data")
    assert (User.objects.count(), Ticket.objects.count(), DutyShift.objects.count()) == counts
