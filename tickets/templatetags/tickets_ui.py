"""Small pieces the case pages share: status and priority badges, sortable column headers."""

from django import forms, template
from django.core.exceptions import FieldDoesNotExist
from django.forms.utils import flatatt
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

from ..events import event_kind
from ..lifecycle import Status
from ..models import Priority, Ticket

register = template.Library()

_STATUS_CLASSES = {
    Status.NEW: "text-bg-primary",
    Status.ASSIGNED: "text-bg-info",
    Status.IN_PROGRESS: "text-bg-primary bg-opacity-75",
    Status.WAITING: "text-bg-warning",
    Status.RESOLVED: "text-bg-success",
    Status.REOPENED: "text-bg-danger",
    Status.ARCHIVED: "text-bg-secondary",
    Status.CANCELLED: "text-bg-light border",
}


@register.filter
def status_class(status: str) -> str:
    return _STATUS_CLASSES.get(status, "text-bg-secondary")


@register.filter
def priority_class(priority: str) -> str:
    return "text-bg-danger" if priority == Priority.URGENT else "text-bg-light border"


@register.filter
def status_label(status: str) -> str:
    return Status(status).label if status in Status.values else status


@register.filter
def field_label(name: str) -> str:
    """A case field's translated name, for the timeline's record of edits."""
    try:
        return Ticket._meta.get_field(name).verbose_name
    except FieldDoesNotExist:
        return name


@register.simple_tag(takes_context=True)
def sort_header(context, field: str, label: str):
    """A <th> whose link sorts by ``field`` (again: the other way), keeping every other filter."""
    request = context["request"]
    current = request.GET.get("o", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == field:
        params["o"], aria, arrow = f"-{field}", "ascending", "▲"
    elif current == f"-{field}":
        params["o"], aria, arrow = field, "descending", "▼"
    else:
        params["o"], aria, arrow = f"-{field}", "none", ""
    return format_html(
        '<th scope="col" aria-sort="{}"><a class="link-body-emphasis text-decoration-none" href="?{}">{}</a>'
        ' <span aria-hidden="true">{}</span></th>',
        aria,
        params.urlencode(),
        label,
        arrow,
    )


@register.filter
def bs(bound_field, extra: str = ""):
    """Render a form control with Bootstrap's classes, marked invalid and tied to its errors and help."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    attrs = {"class": f"{css} {extra}".strip()}
    described_by = []
    if bound_field.errors:
        attrs["class"] += " is-invalid"
        attrs["aria-invalid"] = "true"
        described_by.append(f"{bound_field.auto_id}-errors")
    if bound_field.help_text:
        described_by.append(f"{bound_field.auto_id}-help")
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    if type(widget) is forms.Select:
        return _select(bound_field, attrs)
    return bound_field.as_widget(attrs=attrs)


def _select(bound_field, attrs: dict):
    """A plain <select> built in Python: Django renders one template per <option>, which made a
    queue filter with a few hundred organisations cost more than the rest of the page."""
    field = bound_field.field
    if isinstance(field, forms.ModelChoiceField):
        choices = field.choices  # iterated once below; list() would add a COUNT query
    else:
        choices = list(field.choices)
        if any(isinstance(label, list | tuple) for _, label in choices):  # option groups: Django's way
            return bound_field.as_widget(attrs=attrs)
    widget = bound_field.field.widget
    final = widget.build_attrs(widget.attrs, bound_field.build_widget_attrs(attrs))
    if bound_field.auto_id:
        final.setdefault("id", bound_field.auto_id)
    current = bound_field.value()
    current = "" if current is None else str(current)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if str(value) == current else "", label) for value, label in choices),
    )
    return format_html('<select name="{}"{}>{}</select>', bound_field.html_name, flatatt(final), options)


@register.simple_tag(takes_context=True)
def event_details(context, event) -> str:
    """The details an upper app registered a template for (tickets.events.register_event_kind)."""
    spec = event_kind(event.kind)
    template = spec.template if spec else ""
    if not template:
        return ""
    return render_to_string(template, {"event": event}, request=context.get("request"))
