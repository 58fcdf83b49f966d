"""The hotline quick-log: one screen, keyboard first; the caller is looked up as the number is typed."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext

from accounts.models import User
from core.phones import phone_digits
from customers.models import Device, Organisation

from ..forms import HotlineForm
from ..hooks import page_panels_for
from ..models import Channel, Ticket
from ..selectors import ticket_list_open_for_organisation
from ..services import ticket_create
from ._common import HOTLINE_ROLES, add_service_errors, roles_required

# Fewer digits than this match half the customer base: wait for more.
MIN_DIGITS = 3
MAX_CONTACTS = 10
MAX_ORGANISATIONS = 5


@dataclass
class CallerOrganisation:
    organisation: Organisation
    devices: list = field(default_factory=list)
    open_cases: list[Ticket] = field(default_factory=list)


@dataclass
class CallerLookup:
    phone: str
    contacts: list[User] = field(default_factory=list)
    organisations: list[CallerOrganisation] = field(default_factory=list)

    @property
    def searched(self) -> bool:
        return len(phone_digits(self.phone)) >= MIN_DIGITS

    @property
    def found(self) -> bool:
        return bool(self.contacts or self.organisations)


def _caller_lookup(phone: str) -> CallerLookup:
    """Contacts whose number starts with what was typed, their organisations and the
    organisations whose switchboard number matches; each with its devices and open cases.

    A bounded number of queries: contacts, organisations, devices, then one per organisation.
    """
    lookup = CallerLookup(phone=phone.strip())
    digits = phone_digits(phone)
    if len(digits) < MIN_DIGITS:
        return lookup
    lookup.contacts = list(
        User.objects.filter(is_active=True, organisation__isnull=False, phone_digits__startswith=digits)
        .select_related("organisation")
        .order_by("phone", "pk")[:MAX_CONTACTS]
    )
    # The matching contacts' organisations first (the caller most likely works there),
    # then those whose switchboard number matches.
    organisations = list({c.organisation_id: c.organisation for c in lookup.contacts}.values())
    organisations = organisations[:MAX_ORGANISATIONS]
    if len(organisations) < MAX_ORGANISATIONS:
        organisations += list(
            Organisation.objects.filter(phone_digits__startswith=digits)
            .exclude(pk__in=[o.pk for o in organisations])
            .order_by("name")[: MAX_ORGANISATIONS - len(organisations)]
        )
    devices = Device.objects.filter(organisation__in=organisations).select_related("product", "site")
    today = timezone.localdate()
    by_org = {o.pk: CallerOrganisation(organisation=o) for o in organisations}
    for device in devices:
        device.is_in_warranty = device.in_warranty(today)
        by_org[device.organisation_id].devices.append(device)
    for entry in by_org.values():
        entry.open_cases = ticket_list_open_for_organisation(entry.organisation.pk, limit=5)
    lookup.organisations = list(by_org.values())
    return lookup


def _selected(form: HotlineForm) -> dict:
    """What the agent had picked, so a re-rendered lookup keeps it."""
    data = form.data if form.is_bound else {}
    return {
        "contact": data.get("contact", ""),
        "organisation": data.get("organisation", ""),
        "device": data.get("device", ""),
    }


@roles_required(*HOTLINE_ROLES)
def hotline(request):
    if request.method == "POST":
        form = HotlineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            contact = data["contact"]
            try:
                ticket = ticket_create(
                    actor=request.user,
                    channel=Channel.HOTLINE,
                    category=data["category"],
                    priority=data["priority"],
                    organisation=data["organisation"],
                    contact=contact,
                    device=data["device"],
                    subject=data["subject"],
                    description=data["description"],
                    requester_name="" if contact else data["requester_name"],
                    requester_phone="" if contact else data["phone"],
                )
            except ValidationError as e:
                add_service_errors(form, e)
            else:
                messages.success(
                    request,
                    format_html(
                        gettext("Call logged as {}."),
                        format_html(
                            '<a href="{}" class="alert-link">{}</a>',
                            reverse("tickets:case", args=[ticket.reference]),
                            ticket.reference,
                        ),
                    ),
                )
                # A fresh form: the next call can be logged at once.
                return redirect("tickets:hotline")
        lookup = _caller_lookup(form.data.get("phone", ""))
    else:
        form = HotlineForm()
        lookup = CallerLookup(phone="")
    return render(
        request,
        "tickets/hotline/page.html",
        {"form": form, "lookup": lookup, "selected": _selected(form), "panels": page_panels_for(request, "hotline")},
    )


@roles_required(*HOTLINE_ROLES)
def hotline_lookup(request):
    lookup = _caller_lookup(request.GET.get("phone", ""))
    selected = {"contact": "", "organisation": "", "device": ""}
    if len(lookup.contacts) == 1:
        # One match is the caller: pick them, so the common call needs no extra keystroke.
        only = lookup.contacts[0]
        selected = {"contact": str(only.pk), "organisation": str(only.organisation_id), "device": ""}
    elif not lookup.contacts and len(lookup.organisations) == 1:
        selected["organisation"] = str(lookup.organisations[0].organisation.pk)
    return render(request, "tickets/hotline/_lookup.html", {"lookup": lookup, "selected": selected})
