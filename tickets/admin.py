"""Reference data (departments, routing) is edited here; cases are only looked at.

A case's status never changes by editing a field: the admin actions below go through the
lifecycle (tickets.services.ticket_transition), like every other caller.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.history import HistoryAdmin

from .lifecycle import Action, InvalidTransition
from .models import Department, PublicRequest, RoutingRule, Ticket, TicketEvent
from .selectors import engineer_list
from .services import ticket_assign, ticket_transition


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ("name", "code", "is_default")
    search_fields = ("name", "code")


@admin.register(RoutingRule)
class RoutingRuleAdmin(HistoryAdmin):
    list_display = ("__str__", "category", "organisation", "department")
    list_filter = ("category", "department")
    list_select_related = ("organisation", "department")
    autocomplete_fields = ("organisation",)


class TicketEventInline(admin.TabularInline):
    model = TicketEvent
    fields = ("created_at", "kind", "actor", "from_status", "to_status", "body", "is_public")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("created_at", "id")

    def has_add_permission(self, request, obj=None):
        return False


def _apply(modeladmin, request, queryset, change) -> None:
    """Run ``change(ticket)`` per case; each refusal is shown with its reason, the rest go on."""
    done = 0
    for ticket in queryset:
        try:
            change(ticket)
            done += 1
        except (InvalidTransition, PermissionDenied, ValidationError) as e:
            reason = e.message if isinstance(e, InvalidTransition) else "; ".join(getattr(e, "messages", [str(e)]))
            modeladmin.message_user(request, f"{ticket.reference}: {reason}", messages.WARNING)
    if done:
        modeladmin.message_user(
            request, ngettext("%(n)d case changed.", "%(n)d cases changed.", done) % {"n": done}, messages.SUCCESS
        )


def _transition_action(action: Action, label):
    def run(modeladmin, request, queryset):
        _apply(
            modeladmin,
            request,
            queryset,
            lambda ticket: ticket_transition(
                ticket_id=ticket.pk, action=action, actor=request.user, note=gettext("From the admin.")
            ),
        )

    run.short_description = label
    run.__name__ = f"transition_{action.value}"
    return run


class AssignForm(forms.Form):
    engineer = forms.ModelChoiceField(label=_("Engineer"), queryset=engineer_list())


@admin.action(description=_("Assign the selected cases to an engineer…"))
def assign_action(modeladmin, request, queryset):
    """The one assign (the lifecycle's, with every room's rules), from the admin: pick the engineer, then apply."""
    form = AssignForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        engineer = form.cleaned_data["engineer"]
        _apply(
            modeladmin,
            request,
            queryset,
            lambda ticket: ticket_assign(
                ticket_id=ticket.pk, assignee=engineer, actor=request.user, note=gettext("From the admin.")
            ),
        )
        return None
    return TemplateResponse(
        request,
        "admin/tickets/ticket/assign.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Assign cases"),
            "form": form,
            "tickets": queryset,
            "opts": modeladmin.model._meta,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        },
    )


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "subject",
        "status",
        "priority",
        "organisation",
        "assignee",
        "department",
        "created_at",
    )
    list_filter = ("status", "priority", "channel", "category", "department")
    search_fields = ("reference", "subject")
    list_select_related = ("organisation", "assignee", "department")
    show_full_result_count = False  # no COUNT(*) over every case on each page
    date_hierarchy = None
    inlines = [TicketEventInline]
    actions = [
        assign_action,
        _transition_action(Action.CANCEL, _("Cancel the selected cases")),
        _transition_action(Action.ARCHIVE, _("Archive the selected resolved cases")),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Ticket._meta.fields]

    def has_add_permission(self, request):
        return False  # cases are opened through the portal, hotline, staff form or API

    def has_delete_permission(self, request, obj=None):
        return False  # a case's history is kept: cancel or archive it instead


@admin.register(PublicRequest)
class PublicRequestAdmin(admin.ModelAdmin):
    list_display = ("email", "subject", "created_at", "confirmed_at", "ticket")
    search_fields = ("email", "subject")
    readonly_fields = [f.name for f in PublicRequest._meta.fields]

    def has_add_permission(self, request):
        return False
