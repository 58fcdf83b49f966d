"""Extension points: how the rooms above show things on the case pages without tickets importing them.

The way between the apps runs one way (README, Architecture): ``sla``, ``dispatch`` or
``warranty`` may import ``tickets``, never the reverse. So an upper app registers a panel here
from its ``AppConfig.ready()``::

    from tickets.hooks import CasePanel, register_case_panel

    register_case_panel(CasePanel(name="sla", template="sla/case_panel.html", context=sla_panel_context))

and the case pages render every registered panel in their facts column. ``context(request,
ticket)`` returns the template's context (available as ``panel``), or ``None`` to show nothing.
It runs once per page view, so it must read what it needs in a fixed number of queries (the case
page pins its query count). Panels are for staff unless ``staff_only=False``.

Pages that are not about one case (the hotline) take page panels the same way, by page name::

    register_page_panel(PagePanel(name="on-duty", page="hotline", template="…", context=on_duty_context))

``context(request)`` returns the template's context or ``None``; the page renders each with
``{% for panel in panels %}{% include panel.template with panel=panel.context %}{% endfor %}``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest

    from .models import Ticket


@dataclass(frozen=True)
class CasePanel:
    name: str
    template: str
    context: Callable[[HttpRequest, Ticket], dict[str, Any] | None]
    staff_only: bool = True
    order: int = 100  # lower first


case_panels: list[CasePanel] = []


def register_case_panel(panel: CasePanel) -> None:
    """Add (or replace, by name: ``ready()`` may run twice in tests) a panel on the case pages."""
    case_panels[:] = sorted([p for p in case_panels if p.name != panel.name] + [panel], key=lambda p: p.order)


def case_panels_for(request: HttpRequest, ticket: Ticket) -> list[dict[str, Any]]:
    """The panels this viewer sees on this case: ``[{"name", "template", "context"}, …]``."""
    staff = request.user.is_staff_member
    shown = []
    for panel in case_panels:
        if panel.staff_only and not staff:
            continue
        context = panel.context(request, ticket)
        if context is not None:
            shown.append({"name": panel.name, "template": panel.template, "context": context})
    return shown


@dataclass(frozen=True)
class PagePanel:
    name: str
    page: str  # which page shows it: "hotline"
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 100


page_panels: list[PagePanel] = []


def register_page_panel(panel: PagePanel) -> None:
    """Add (or replace, by name) a panel on a page that is not about one case."""
    page_panels[:] = sorted([p for p in page_panels if p.name != panel.name] + [panel], key=lambda p: p.order)


def page_panels_for(request: HttpRequest, page: str) -> list[dict[str, Any]]:
    shown = []
    for panel in page_panels:
        if panel.page != page:
            continue
        context = panel.context(request)
        if context is not None:
            shown.append({"name": panel.name, "template": panel.template, "context": context})
    return shown


# --- queue columns ----------------------------------------------------------------------


@dataclass(frozen=True)
class QueueColumn:
    """A column an upper app adds to the staff queue (the SLA's time left, say).

    ``annotate(queryset)`` adds what the cell needs to every row *inside the queue's one query*
    (annotations, subqueries), so the page's query count does not grow; ``template`` renders one
    cell with ``ticket`` in its context.
    """

    name: str
    header: str
    annotate: Callable[[QuerySet], QuerySet]
    template: str
    order: int = 100


queue_columns: list[QueueColumn] = []


def register_queue_column(column: QueueColumn) -> None:
    queue_columns[:] = sorted([c for c in queue_columns if c.name != column.name] + [column], key=lambda c: c.order)


def annotate_for_queue(queryset: QuerySet) -> QuerySet:
    for column in queue_columns:
        queryset = column.annotate(queryset)
    return queryset


# --- facts about a case that a room above owns --------------------------------------------


@dataclass(frozen=True)
class CaseFact:
    """A fact about one case that an upper app keeps (how many survey rounds it had, say).

    ``annotate(queryset)`` adds it to the case's query as ``name`` (a subquery: no extra query),
    for the case page's facts and the API's ``name`` field.
    """

    name: str
    label: str
    annotate: Callable[[QuerySet], QuerySet]


case_facts: list[CaseFact] = []


def register_case_fact(fact: CaseFact) -> None:
    case_facts[:] = [f for f in case_facts if f.name != fact.name] + [fact]


def annotate_case_facts(queryset: QuerySet) -> QuerySet:
    for fact in case_facts:
        queryset = fact.annotate(queryset)
    return queryset


# --- what is asked of the customer --------------------------------------------------------


@dataclass(frozen=True)
class CustomerTodo:
    """One thing the portal asks of the customer: reply, answer a survey, approve a session…"""

    label: str  # the badge
    text: str  # what to do, as a link
    url: str
    detail: str = ""
    badge: str = "text-bg-warning"


# provider(request, ticket): what is asked on every case the customer sees, or on ``ticket`` only.
TodoProvider = Callable[["HttpRequest", "Ticket | None"], list[CustomerTodo]]
todo_providers: dict[str, TodoProvider] = {}


def register_todo_provider(name: str, provider: TodoProvider) -> None:
    """An upper app lists what its flow waits for from the customer (one or two queries)."""
    todo_providers[name] = provider


def customer_todos(request: HttpRequest, ticket: Ticket | None = None) -> list[CustomerTodo]:
    return [todo for provider in todo_providers.values() for todo in provider(request, ticket)]
