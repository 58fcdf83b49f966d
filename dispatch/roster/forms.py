"""Adding a shift to the duty roster."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.models import Department
from tickets.selectors import engineer_list

from ..forms import datetime_field
from .models import DutyKind


class ShiftForm(forms.Form):
    prefix = "shift"
    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Shift"), choices=DutyKind.choices)
    starts_at = datetime_field(_("Starts at"))
    ends_at = datetime_field(_("Ends at"))
    on_call_phone = forms.CharField(
        label=_("On-call phone"), max_length=32, required=False, help_text=_("Empty: the engineer's own phone.")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.order_by("name"), required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineer_list()
