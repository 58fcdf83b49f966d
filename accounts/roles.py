"""The six roles of the service desk. Each role is a Django group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer contact")
    AGENT = "agent", _("Hotline agent")
    ENGINEER = "engineer", _("Engineer")
    MANAGER = "manager", _("After-sales manager")
    PROJECT_MANAGER = "project_manager", _("Project manager")
    ADMIN = "admin", _("Administrator")


# Roles that work the desk (everything but the customer).
STAFF_ROLES = frozenset({Role.AGENT, Role.ENGINEER, Role.MANAGER, Role.PROJECT_MANAGER, Role.ADMIN})
# Roles that see every case and may dispatch.
SUPERVISOR_ROLES = frozenset({Role.MANAGER, Role.PROJECT_MANAGER, Role.ADMIN})

# The settings a manager owns and edits at /manage/ (servicedesk/manage_site.py): service levels,
# calendars and 调休 days, dispatch, departments and routing, service contracts.
SETTINGS_MODELS = [
    "sla.slapolicy",
    "sla.slatarget",
    "sla.calendar",
    "sla.workinghours",
    "sla.calendarday",
    "sla.calendaryear",
    "dispatch.dispatchpolicy",
    "tickets.department",
    "tickets.routingrule",
    "warranty.servicecontract",
    "surveys.surveysettings",
]
SETTINGS_PERMISSIONS = [
    f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
    for model in SETTINGS_MODELS
    for action in ("add", "change", "delete", "view")
]

# Model permissions granted to each role's group (app_label.codename). Object-level
# access (which cases) is decided by tickets.access, not by these.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.CUSTOMER: ["tickets.add_ticket", "tickets.view_ticket"],
    Role.AGENT: [
        "tickets.add_ticket",
        "tickets.view_ticket",
        "tickets.change_ticket",
        "customers.view_organisation",
        "customers.view_device",
        "customers.view_product",
    ],
    Role.ENGINEER: ["tickets.add_ticket", "tickets.view_ticket", "tickets.change_ticket", "customers.view_device"],
    Role.MANAGER: [
        "tickets.add_ticket",
        "tickets.view_ticket",
        "tickets.change_ticket",
        "tickets.assign_ticket",
        "customers.view_organisation",
        "customers.view_device",
        "customers.view_product",
        *SETTINGS_PERMISSIONS,
    ],
    Role.PROJECT_MANAGER: [
        "tickets.add_ticket",
        "tickets.view_ticket",
        "tickets.change_ticket",
        "tickets.assign_ticket",
        "customers.view_organisation",
        "customers.view_device",
        "customers.view_product",
        *SETTINGS_PERMISSIONS,
    ],
    # Administrators are superusers; the group carries the settings too, so that a member who is
    # not a superuser still finds their pages at /manage/.
    Role.ADMIN: [*SETTINGS_PERMISSIONS],
}
