"""The queue's filters, shared by the staff queue page and the ticket list API."""

import re

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from core.params import BooleanFilter
from customers.access import visible_to
from customers.models import Device, Organisation

from .lifecycle import Status
from .models import Category, Channel, Department, Priority, Ticket

REFERENCE_RE = re.compile(r"SR-\d{4}-\d{6,}", re.IGNORECASE)

SORTS = (
    ("created_at", "created_at"),
    ("updated_at", "updated_at"),
    ("priority", "priority"),
    ("status", "status"),
    ("reference", "reference"),
)


def _organisations(request):
    # A customer may only filter by their own organisation: any other id is simply "not a choice",
    # so the answer never tells which organisations exist.
    user = getattr(request, "user", None)
    if user is None:
        return Organisation.objects.all()  # the schema generator
    return visible_to(user, Organisation.objects.all(), path="")


class TicketFilter(django_filters.FilterSet):
    # distinct=False: a status is a column of the case, no join can repeat rows, and DISTINCT
    # would make PostgreSQL read and sort every match instead of walking the index.
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices, distinct=False)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=_organisations)
    assignee = django_filters.ModelChoiceFilter(
        label=_("Engineer"),
        queryset=User.objects.filter(groups__name=Role.ENGINEER),
    )
    unassigned = BooleanFilter(label=_("Unassigned"), field_name="assignee", lookup_expr="isnull")
    # `search` is DRF's name for it (what integrators try first); `q` is the queue page's.
    search = django_filters.CharFilter(
        label=_("Search"), method="search_text", help_text=_("A reference, words of the subject or a serial number.")
    )
    q = django_filters.CharFilter(
        label=_("Search"), method="search_text", help_text=_("The same as search (the queue page's name).")
    )
    o = django_filters.OrderingFilter(label=_("Sort"), fields=SORTS)

    class Meta:
        model = Ticket
        fields = ["status", "priority", "channel", "category", "department", "organisation", "assignee"]

    def search_text(self, queryset, name, value):
        """A reference (exact), else subject (contains) or a device's serial number (exact).

        Each branch can use an index: the reference's unique index, the subject's trigram index
        (PostgreSQL) and the device foreign key through a subquery on the unique serial number.
        """
        value = value.strip()
        if not value:
            return queryset
        if REFERENCE_RE.fullmatch(value):
            return queryset.filter(reference=value.upper())
        serials = Device.objects.filter(serial_number__in={value, value.upper()}).values("pk")
        return queryset.filter(Q(subject__icontains=value) | Q(device__in=serials))
