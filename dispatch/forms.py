from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from customers.models import Product
from tickets.models import Department
from tickets.selectors import engineer_list

from .models import DutyKind, OperationKind, Tier

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


# --- the case page's dispatch and handling forms ----------------------------------------


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _when(label, required=True, help_text=""):
    return forms.DateTimeField(label=label, required=required, widget=DateTimeLocalInput, help_text=help_text)


def _text(label, required=True, rows=3, **kwargs):
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}), **kwargs)


class DeclineForm(forms.Form):
    prefix = "decline"
    reason = _text(_("Why do you decline?"), rows=2)


class ChaseForm(forms.Form):
    prefix = "chase"
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class EscalateForm(forms.Form):
    prefix = "escalate"
    reason = _text(_("Why escalate?"), rows=2)
    to_tier = forms.TypedChoiceField(
        label=_("To"),
        choices=[("", _("Next tier"))] + list(Tier.choices)[1:],
        coerce=int,
        required=False,
        empty_value=None,
    )


class SolutionForm(forms.Form):
    prefix = "solution"
    solution = _text(_("Solution"), rows=4)


class RemoteRequestForm(forms.Form):
    prefix = "remote"
    purpose = _text(_("Purpose"), rows=2)
    target_system = forms.CharField(label=_("Target system"), max_length=200)
    window_start = _when(_("Planned from"))
    window_end = _when(_("Planned until"))


DECISIONS = [("approve", _("Approve")), ("refuse", _("Refuse"))]


class RemoteDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your answer"), choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason (when you refuse)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class LinkDecideForm(RemoteDecideForm):
    name = forms.CharField(label=_("Your name"), max_length=100)


class RecordApprovalForm(forms.Form):
    prefix = "approval"
    approver_name = forms.CharField(label=_("Approved by (customer's person)"), max_length=100)
    document = forms.FileField(label=_("Scanned approval (fax, letter, email)"))
    expires_at = _when(
        _("Valid until (optional)"), required=False, help_text=_("Empty: the end of the planned window.")
    )


class PlanForm(forms.Form):
    prefix = "plan"
    body = _text(_("Solution plan"), rows=5)


class PlanDecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Your answer"), choices=DECISIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What is wrong with the plan? (when you refuse)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommandLogForm(forms.Form):
    prefix = "log"
    file = forms.FileField(label=_("Log file"), required=False)
    text = forms.CharField(
        label=_("Or paste the log"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
    )
    session = forms.ModelChoiceField(label=_("Remote session"), queryset=None, required=False)

    def __init__(self, *args, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions


class VisitDecideForm(forms.Form):
    prefix = "visit"
    reason = _text(_("Why a visit?"), rows=2)
    engineer = forms.ModelChoiceField(
        label=_("Engineer"), queryset=User.objects.none(), required=False, empty_label=_("The case's engineer")
    )
    planned_at = _when(_("Planned for"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["engineer"].queryset = engineer_list()


class ArriveForm(forms.Form):
    prefix = "arrive"
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=12, decimal_places=8, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=12, decimal_places=8, widget=forms.HiddenInput
    )
    accuracy_m = forms.IntegerField(label=_("Accuracy (m)"), required=False, min_value=0, widget=forms.HiddenInput)


class TimeForm(forms.Form):
    at = _when(_("When"), required=False, help_text=_("Empty: now."))


class FinishForm(forms.Form):
    prefix = "finish"
    summary = _text(_("What was done on site"), rows=4)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data] if data else single(None, initial)
        return [single(data, initial)]


class PhotosForm(forms.Form):
    prefix = "photos"
    photos = MultipleFileField(label=_("Photos"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


class PartForm(forms.Form):
    prefix = "part"
    description = forms.CharField(label=_("Part"), max_length=200)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, max_digits=12, decimal_places=2, initial=0)


class OperationForm(forms.Form):
    prefix = "operation"
    kind = forms.ChoiceField(label=_("Operation"), choices=OperationKind.choices)
    description = _text(_("What and its impact"), rows=2)


class OperationApproveForm(forms.Form):
    approver_name = forms.CharField(label=_("Approved by (customer's person)"), max_length=100)


class ApplicationForm(forms.Form):
    prefix = "application"
    work_description = _text(_("Service requested"), rows=3)


class SignForm(forms.Form):
    prefix = "sign"
    signer_name = forms.CharField(label=_("Signer's name"), max_length=100)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)


class FaultReportForm(forms.Form):
    prefix = "report"
    symptom = _text(_("Symptom"), rows=3)
    cause = _text(_("Cause"), rows=3)
    actions_taken = _text(_("What was done"), rows=4)
    prevention = _text(_("Prevention advice"), required=False, rows=2)
    service_restored_at = _when(_("Service restored at"), required=False, help_text=_("Empty: from the visit."))
    root_cause_fixed_at = _when(_("Root cause fixed at"), required=False, help_text=_("Empty: from the visit."))


class FaultSearchForm(forms.Form):
    q = forms.CharField(label=_("Search symptom, cause, actions"), required=False, max_length=200)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.order_by("name"), required=False)
    symptom = forms.CharField(label=_("Symptom"), required=False, max_length=200)
    cause = forms.CharField(label=_("Cause"), required=False, max_length=200)


class ShiftForm(forms.Form):
    prefix = "shift"
    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none())
    kind = forms.ChoiceField(label=_("Shift"), choices=DutyKind.choices)
    starts_at = _when(_("Starts at"))
    ends_at = _when(_("Ends at"))
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
