"""Forms for the case pages. A form parses what was typed; the service it feeds has the last word.

Forms with files inherit ``AttachmentsForm``: it checks each upload next to the field and
keeps the good files on the server when the rest of the form is rejected, so a person
who mistyped one field never has to pick their files again.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from customers.models import Device, Organisation

from .lifecycle import Action
from .models import Category, Channel, Department, Priority
from .selectors import engineer_list
from .uploads import validate_upload

# --- files ------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one control; cleans to a list (empty when nothing was chosen)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items if item]


_KEPT_SALT = "tickets.forms.kept-upload"
_KEPT_MAX_AGE = 24 * 60 * 60  # a form left open overnight still submits
KEPT_DIR = "kept-uploads"


@dataclass(frozen=True)
class KeptFile:
    """An upload held on the server while its form is corrected; ``token`` is signed for its owner."""

    token: str
    path: str
    name: str
    size: int

    @property
    def size_display(self) -> str:
        return filesizeformat(self.size)


class AttachmentsForm(forms.Form):
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("Screenshots, logs, documents. You can choose several files."),
    )

    def __init__(self, *args, owner: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.good_uploads: list = []
        self._opened: list = []
        self.kept_files: list[KeptFile] = self._read_kept() if self.is_bound else []

    def clean_attachments(self):
        good, errors = [], []
        for upload in self.cleaned_data.get("attachments") or []:
            try:
                validate_upload(upload)
            except ValidationError as e:
                errors.extend(e.messages)
            else:
                good.append(upload)
        self.good_uploads = good
        if errors:
            raise ValidationError(errors)
        return good

    def _read_kept(self) -> list[KeptFile]:
        kept = []
        for token in self.data.getlist("kept") if hasattr(self.data, "getlist") else []:
            try:
                value = signing.loads(token, salt=_KEPT_SALT, max_age=_KEPT_MAX_AGE)
            except signing.BadSignature:
                continue  # expired or forged: drop it rather than fail the whole form
            if self.owner is None or value.get("u") != self.owner.pk or not default_storage.exists(value["p"]):
                continue
            kept.append(KeptFile(token=token, path=value["p"], name=value["n"], size=value["s"]))
        return kept

    def keep_uploads(self) -> None:
        """Hold the files that passed their check so the re-rendered form still has them."""
        if self.owner is None:
            return
        for upload in self.good_uploads:
            name = validate_upload(upload)
            path = default_storage.save(f"{KEPT_DIR}/{secrets.token_hex(8)}/{name}", upload)
            token = signing.dumps({"p": path, "n": name, "s": upload.size, "u": self.owner.pk}, salt=_KEPT_SALT)
            self.kept_files.append(KeptFile(token=token, path=path, name=name, size=upload.size))
        self.good_uploads = []

    def files_to_attach(self) -> list:
        """The new uploads plus the files kept from an earlier try, ready for the service."""
        files = list(self.good_uploads)
        for kept in self.kept_files:
            f = default_storage.open(kept.path)
            f.name = kept.name
            self._opened.append(f)
            files.append(f)
        return files

    def discard_kept(self) -> None:
        """After the service stored them: close and delete the held copies."""
        for f in self._opened:
            f.close()
        for kept in self.kept_files:
            default_storage.delete(kept.path)
        self._opened, self.kept_files = [], []


# --- creating cases ---------------------------------------------------------------------


def _device_label(device: Device) -> str:
    return f"{device.product.name} · {device.serial_number}"


class DeviceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _device_label(obj)


class PortalRequestForm(AttachmentsForm):
    category = forms.ChoiceField(label=_("What do you need?"), choices=Category.choices, initial=Category.FAULT)
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Priority.choices,
        initial=Priority.NORMAL,
        widget=forms.RadioSelect,
        help_text=_("Urgent: a system is down or business is stopped."),
    )
    device = DeviceChoiceField(
        label=_("Device"),
        queryset=Device.objects.none(),
        required=False,
        empty_label=_("Not about a specific device"),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What happened, since when, what you have tried, any error messages."),
    )
    field_order = ["category", "priority", "device", "subject", "description", "attachments"]

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = Device.objects.filter(organisation=organisation).select_related("product")


class StaffCaseForm(AttachmentsForm):
    """A case opened by staff for a customer; contact and device come from the chosen organisation."""

    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.all())
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("No contact"),
        help_text=_("The contact follows the case and receives the survey."),
    )
    device = DeviceChoiceField(
        label=_("Device"), queryset=Device.objects.none(), required=False, empty_label=_("No specific device")
    )
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[c for c in Channel.choices if c[0] != Channel.API], initial=Channel.HOTLINE
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.FAULT)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    field_order = [
        "organisation",
        "contact",
        "device",
        "channel",
        "category",
        "priority",
        "subject",
        "description",
        "attachments",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org_id = self.data.get("organisation") if self.is_bound else self.initial.get("organisation")
        try:
            org_id = int(org_id) if org_id else None
        except (TypeError, ValueError):
            org_id = None
        self.fields["contact"].queryset = User.objects.filter(organisation_id=org_id, is_active=True).order_by(
            "first_name", "username"
        )
        self.fields["device"].queryset = Device.objects.filter(organisation_id=org_id).select_related("product")


class HotlineForm(forms.Form):
    """One phone call. Contact, organisation and device are picked from the caller lookup."""

    phone = forms.CharField(label=_("Caller's phone"), max_length=32, required=False)
    contact = forms.ModelChoiceField(
        queryset=User.objects.filter(organisation__isnull=False, is_active=True), required=False
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False)
    device = forms.ModelChoiceField(queryset=Device.objects.all(), required=False)
    requester_name = forms.CharField(
        label=_("Caller's name"),
        max_length=100,
        required=False,
        help_text=_("For a caller who is not a known contact."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.FAULT)
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        contact, organisation = data.get("contact"), data.get("organisation")
        if contact is not None:
            # The contact decides the organisation; a stale organisation pick must not contradict it.
            data["organisation"] = contact.organisation
        elif organisation is None and not (data.get("requester_name") or data.get("phone")):
            self.add_error("phone", _("Type the caller's number, or their name if they have none."))
        device = data.get("device")
        if device is not None and device.organisation_id != getattr(data.get("organisation"), "pk", None):
            self.add_error("device", _("This device does not belong to the caller's organisation."))
        return data


class PublicRequestForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(
        label=_("Email"), help_text=_("We send a confirmation link here; the request is opened once you click it.")
    )
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("What do you need?"), choices=Category.choices, initial=Category.FAULT)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    # A field people never see: a bot that fills it in is thanked and ignored.
    website = forms.CharField(label=_("Leave this field empty"), required=False)


# --- working a case ---------------------------------------------------------------------


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=Action.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    resolution = forms.CharField(label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(label=_("Internal note (staff only)"), required=False)
    assignee = forms.ModelChoiceField(label=_("Engineer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = engineer_list()


class CommentForm(AttachmentsForm):
    body = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    internal = forms.BooleanField(
        label=_("Internal (staff only)"),
        required=False,
        help_text=_("Internal comments and their files are never shown to the customer."),
    )
    field_order = ["body", "attachments", "internal"]

    def __init__(self, *args, allow_internal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_internal:
            del self.fields["internal"]


class CaseEditForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 5}))
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    device = DeviceChoiceField(
        label=_("Device"), queryset=Device.objects.none(), required=False, empty_label=_("No specific device")
    )
    department = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.all(), required=False, empty_label=_("None")
    )

    def __init__(self, *args, ticket, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "subject": ticket.subject,
                "description": ticket.description,
                "category": ticket.category,
                "priority": ticket.priority,
                "device": ticket.device_id,
                "department": ticket.department_id,
            },
        )
        super().__init__(*args, **kwargs)
        self.fields["device"].queryset = Device.objects.filter(organisation_id=ticket.organisation_id).select_related(
            "product"
        )


def kept_uploads_purge(*, older_than: timedelta = timedelta(seconds=_KEPT_MAX_AGE)) -> int:
    """Delete files held for forms that were never submitted again (their links have expired)."""
    cutoff = timezone.now() - older_than
    removed = 0
    if not default_storage.exists(KEPT_DIR):
        return 0
    folders, _ = default_storage.listdir(KEPT_DIR)
    for folder in folders:
        _, names = default_storage.listdir(f"{KEPT_DIR}/{folder}")
        for name in names:
            path = f"{KEPT_DIR}/{folder}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
