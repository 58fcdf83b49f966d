"""The queue's filters, shared by the staff queue page and the ticket list API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from customers.models import Organisation

from .lifecycle import Status
from .models import Category, Channel, Department, Priority, Ticket

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
    if user is not None and user.is_authenticated and not user.is_staff_member:
        return Organisation.objects.filter(pk=user.organisation_id)
    return Organisation.objects.all()


class TicketFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    priority = django_filters.ChoiceFilter(label=_("Priority"), choices=Priority.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    department = django_filters.ModelChoiceFilter(label=_("Department"), queryset=Department.objects.all())
    organisation = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=_organisations)
    assignee = django_filters.ModelChoiceFilter(
        label=_("Engineer"),
        queryset=User.objects.filter(groups__name=Role.ENGINEER),
    )
    unassigned = django_filters.BooleanFilter(label=_("Unassigned"), field_name="assignee", lookup_expr="isnull")
    q = django_filters.CharFilter(label=_("Search"), method="search")
    o = django_filters.OrderingFilter(label=_("Sort"), fields=SORTS)

    class Meta:
        model = Ticket
        fields = ["status", "priority", "channel", "category", "department", "organisation", "assignee"]

    def search(self, queryset, name, value):
        """Reference (exact), subject (contains) or device serial number (exact)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(reference__iexact=value) | Q(subject__icontains=value) | Q(device__serial_number__iexact=value)
        )
