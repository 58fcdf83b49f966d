from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from tickets.selectors import engineer_list

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
