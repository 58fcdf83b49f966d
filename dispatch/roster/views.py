"""The duty roster for managers: the week on a calendar grid, who is on duty now, add and remove shifts."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from tickets.views._common import add_service_errors, staff_required

from ..views._common import reason
from .access import ensure_roster_page
from .forms import ShiftForm
from .models import DutyShift
from .selectors import duty_list_between, duty_list_now
from .services import duty_shift_create, duty_shift_delete


def _week_start(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        day = timezone.localdate()
    return day - dt.timedelta(days=day.weekday())


@staff_required
def roster(request):
    ensure_roster_page(request.user)
    monday = _week_start(request.GET.get("week") or request.POST.get("week", ""))
    if request.method == "POST":
        form = ShiftForm(request.POST)
        if form.is_valid():
            try:
                shift = duty_shift_create(actor=request.user, **form.cleaned_data)
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(request, gettext("Shift added: %(shift)s.") % {"shift": shift})
                week = _week_start(timezone.localtime(shift.starts_at).date().isoformat())
                return redirect(f"{reverse('dispatch:roster')}?week={week.isoformat()}")
    else:
        form = ShiftForm()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=tz)
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    shifts = list(duty_list_between(start=start, end=start + dt.timedelta(days=7)))
    columns = []
    for day in days:
        day_start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        day_end = day_start + dt.timedelta(days=1)
        columns.append({"day": day, "shifts": [s for s in shifts if s.starts_at < day_end and s.ends_at > day_start]})
    return render(
        request,
        "dispatch/roster.html",
        {
            "form": form,
            "columns": columns,
            "today": timezone.localdate(),
            "monday": monday,
            "previous": monday - dt.timedelta(days=7),
            "next": monday + dt.timedelta(days=7),
            "on_duty": list(duty_list_now()),
        },
    )


@staff_required
@require_POST
def remove_shift(request, pk):
    ensure_roster_page(request.user)
    shift = DutyShift.objects.filter(pk=pk).first()
    week = request.POST.get("week", "")
    back = reverse("dispatch:roster") + (f"?week={week}" if week else "")
    if shift is None:
        messages.error(request, gettext("That shift no longer exists."))
        return redirect(back)
    try:
        duty_shift_delete(shift_id=shift.pk, actor=request.user)
    except PermissionDenied as e:
        messages.error(request, reason(e))
    else:
        messages.success(request, gettext("Shift removed: %(shift)s.") % {"shift": shift})
    return redirect(back)
