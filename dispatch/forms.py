"""The case-dispatch forms (assign, bulk assign, decline, chase, escalate, solution) and the form
pieces every dispatch part uses."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.selectors import engineer_list

from .models import Tier

# A bulk action touches at most this many cases per request.
MAX_BULK = 200


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    # The engineer shown on the page when the form was drawn (empty: unassigned); see views.assign.
    expected_assignee = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = engineer_list()


class ReferencesField(forms.Field):
    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        refs = [v.strip() for v in value or [] if v and v.strip()]
        return list(dict.fromkeys(refs))

    def validate(self, value):
        super().validate(value)
        if len(value) > MAX_BULK:
            raise forms.ValidationError(
                _("Choose at most %(max)d cases at a time."), code="too_many", params={"max": MAX_BULK}
            )


class BulkAssignForm(AssignForm):
    tickets = ReferencesField(label=_("Cases"), error_messages={"required": _("Tick at least one case.")})


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def datetime_field(label, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocalInput, help_text=help_text)


def text_field(label, required=True, rows=3, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class DeclineForm(forms.Form):
    prefix = "decline"
    reason = text_field(_("Why do you decline?"), rows=2)


class ChaseForm(forms.Form):
    prefix = "chase"
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class EscalateForm(forms.Form):
    prefix = "escalate"
    reason = text_field(_("Why escalate?"), rows=2)
    to_tier = forms.TypedChoiceField(
        label=_("To"),
        choices=[("", _("Next tier"))] + list(Tier.choices)[1:],
        coerce=int,
        required=False,
        empty_value=None,
    )


class SolutionForm(forms.Form):
    prefix = "solution"
    solution = text_field(_("Solution"), rows=4)
