"""Remote support's forms: request, the customer's answer, a recorded approval, plans, command logs."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import datetime_field, text_field


class RemoteRequestForm(forms.Form):
    prefix = "remote"
    purpose = text_field(_("Purpose"), rows=2)
    target_system = forms.CharField(label=_("Target system"), max_length=200)
    window_start = datetime_field(_("Planned from"))
    window_end = datetime_field(_("Planned until"))


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
    expires_at = datetime_field(
        _("Valid until (optional)"), required=False, help_text=_("Empty: the end of the planned window.")
    )


class PlanForm(forms.Form):
    prefix = "plan"
    body = text_field(_("Solution plan"), rows=5)


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
