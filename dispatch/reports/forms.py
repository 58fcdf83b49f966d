"""The fault-handling report form and the fault database's search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import Product

from ..forms import datetime_field, text_field


class FaultReportForm(forms.Form):
    prefix = "report"
    symptom = text_field(_("Symptom"), rows=3)
    cause = text_field(_("Cause"), rows=3)
    actions_taken = text_field(_("What was done"), rows=4)
    prevention = text_field(_("Prevention advice"), required=False, rows=2)
    service_restored_at = datetime_field(
        _("Service restored at"), required=False, help_text=_("Empty: from the visit.")
    )
    root_cause_fixed_at = datetime_field(
        _("Root cause fixed at"), required=False, help_text=_("Empty: from the visit.")
    )


class FaultSearchForm(forms.Form):
    q = forms.CharField(label=_("Search symptom, cause, actions"), required=False, max_length=200)
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.order_by("name"), required=False)
    symptom = forms.CharField(label=_("Symptom"), required=False, max_length=200)
    cause = forms.CharField(label=_("Cause"), required=False, max_length=200)
