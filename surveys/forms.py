from django import forms
from django.utils.translation import gettext_lazy as _

SCORES = [
    (5, _("5 — Very satisfied")),
    (4, _("4 — Satisfied")),
    (3, _("3 — Neither satisfied nor dissatisfied")),
    (2, _("2 — Dissatisfied")),
    (1, _("1 — Very dissatisfied")),
]


class SurveyForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with how we handled this case?"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a score from 1 to 5.")},
    )
    comment = forms.CharField(
        label=_("Anything you would like to tell us?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
