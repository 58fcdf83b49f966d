import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import ClockState, TargetKind

BY_CHOICES = [
    ("", _("Target only")),
    ("engineer", _("Engineer")),
    ("organisation", _("Organisation")),
    ("product", _("Product")),
    ("priority", _("Priority")),
]
DEFAULT_DAYS = 30
MAX_DAYS = 366


class PeriodForm(forms.Form):
    """The dashboard's period (local dates, both included) and breakdown."""

    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    by = forms.ChoiceField(label=_("Broken down by"), choices=BY_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        until = data.get("until") or timezone.localdate()
        since = data.get("since") or until - dt.timedelta(days=DEFAULT_DAYS - 1)
        if since > until:
            raise forms.ValidationError(_("The period must start before it ends."))
        if (until - since).days >= MAX_DAYS:
            raise forms.ValidationError(_("Choose a period of at most a year."))
        data["since"], data["until"] = since, until
        return data

    def bounds(self):
        """[start of the first day, start of the day after the last) as aware datetimes in the current zone."""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.cleaned_data["since"], dt.time(), tzinfo=tz)
        end = dt.datetime.combine(self.cleaned_data["until"] + dt.timedelta(days=1), dt.time(), tzinfo=tz)
        return start, end


class ClockListForm(PeriodForm):
    """Which clocks a dashboard figure counts (every number links to a list of these)."""

    LISTS = [("at-risk", _("At risk")), ("breached", _("Breached, still open")), ("judged", _("Met or breached"))]

    list = forms.ChoiceField(choices=LISTS, required=False)
    target = forms.ChoiceField(choices=[("", "")] + TargetKind.choices, required=False)
    outcome = forms.ChoiceField(
        choices=[("", ""), (ClockState.MET, ClockState.MET.label), (ClockState.BREACHED, ClockState.BREACHED.label)],
        required=False,
    )
    # The breakdown's group; absent (not empty) means "cases without one" (e.g. unassigned).
    group = forms.CharField(required=False, max_length=200)
