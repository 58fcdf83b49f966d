"""On-site forms: deciding a visit and the visit page (check-in, photos, parts, operations, times, signing)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.selectors import engineer_list

from ..forms import datetime_field, text_field
from .models import OperationKind


class VisitDecideForm(forms.Form):
    prefix = "visit"
    reason = text_field(_("Why a visit?"), rows=2)
    engineer = forms.ModelChoiceField(
        label=_("Engineer"), queryset=User.objects.none(), required=False, empty_label=_("The case's engineer")
    )
    planned_at = datetime_field(_("Planned for"), required=False)

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
    at = datetime_field(_("When"), required=False, help_text=_("Empty: now."))


class FinishForm(forms.Form):
    prefix = "finish"
    summary = text_field(_("What was done on site"), rows=4)


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
    description = text_field(_("What and its impact"), rows=2)


class OperationApproveForm(forms.Form):
    approver_name = forms.CharField(label=_("Approved by (customer's person)"), max_length=100)


class ApplicationForm(forms.Form):
    prefix = "application"
    work_description = text_field(_("Service requested"), rows=3)


class SignForm(forms.Form):
    prefix = "sign"
    signer_name = forms.CharField(label=_("Signer's name"), max_length=100)
    signature = forms.CharField(widget=forms.HiddenInput, required=False)
