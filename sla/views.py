"""The manager's SLA dashboard and the lists behind its numbers (notifications live in ``notices``)."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from tickets.hooks import page_panels_for

from . import selectors
from .forms import BY_CHOICES, ClockListForm, PeriodForm
from .models import ClockState

LIST_ROWS = 15  # per list on the dashboard
PAGE_SIZE = 50


def supervisor_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not request.user.is_supervisor:
            raise PermissionDenied(gettext("This page is for managers."))
        return view(request, *args, **kwargs)

    return wrapped


def _page(queryset: QuerySet, request, size: int = PAGE_SIZE) -> tuple[list, int, bool]:
    """One page read as size + 1 rows (no COUNT), as the queue does."""
    try:
        number = max(1, int(request.GET.get("page", 1)))
    except ValueError:
        number = 1
    rows = list(queryset[(number - 1) * size : number * size + 1])
    return rows[:size], number, len(rows) > size


def _clocks_url(**params) -> str:
    return reverse("sla:clocks") + "?" + urlencode({k: v for k, v in params.items() if v is not None})


# --- the dashboard ------------------------------------------------------------------------


@supervisor_required
def dashboard(request):
    """At risk, breached, compliance per target and breakdown, and the met/breached trend; htmx polls the body."""
    user = request.user
    form = PeriodForm(request.GET)
    period_error = None
    if not form.is_valid():
        period_error = " ".join(form.non_field_errors()) or gettext(
            "That period is not valid; showing the last 30 days."
        )
        form = PeriodForm({})
        form.is_valid()
    since, until = form.bounds()
    by = form.cleaned_data["by"] or None
    period = {"since": form.cleaned_data["since"].isoformat(), "until": form.cleaned_data["until"].isoformat()}

    rows = selectors.compliance(user, since, until, by)
    for row in rows:
        keys = {"list": "judged", **period, "target": row["target"], "by": by, "group": row["group"] if by else None}
        row["url"] = _clocks_url(**keys)
        row["met_url"] = _clocks_url(**keys, outcome=ClockState.MET)
        row["breached_url"] = _clocks_url(**keys, outcome=ClockState.BREACHED)
        row["breached"] = row["total"] - row["met"]
    trend = selectors.compliance_trend(user, since, until)
    for day in trend:
        one_day = {"list": "judged", "since": day["day"].isoformat(), "until": day["day"].isoformat()}
        day["met_url"] = _clocks_url(**one_day, outcome=ClockState.MET)
        day["breached_url"] = _clocks_url(**one_day, outcome=ClockState.BREACHED)
    context = {
        "period": period,
        "period_error": period_error,
        "by": by,
        "by_choices": BY_CHOICES,
        "query": request.GET.urlencode(),
        "counts": selectors.clock_counts_open(user),
        "at_risk": list(selectors.clock_list_at_risk(user)[:LIST_ROWS]),
        "breached": list(selectors.clock_list_breached(user)[:LIST_ROWS]),
        "at_risk_url": _clocks_url(list="at-risk"),
        "breached_url": _clocks_url(list="breached"),
        "compliance": rows,
        "trend": trend,
        "chart": trend_chart(trend),
        "now": timezone.now(),
        # Other rooms' figures (dispatch: the most chased cases), without sla importing them.
        "panels": page_panels_for(request, "dashboard"),
    }
    template = "sla/_dashboard_body.html" if request.htmx else "sla/dashboard.html"
    return render(request, template, context)


def trend_chart(trend: list[dict], *, width: int = 720, height: int = 180, pad: int = 24) -> dict:
    """Geometry of a stacked bar chart (met below, breached above), drawn as SVG in the template.

    Server-drawn SVG: no chart library, nothing to fetch, and each bar is a link to its cases.
    """
    top = max((d["met"] + d["breached"] for d in trend), default=0) or 1
    slot = (width - pad) / max(len(trend), 1)
    bar = max(slot * 0.7, 1)
    scale = (height - 2 * pad) / top
    bars = []
    for i, d in enumerate(trend):
        x = pad + i * slot + (slot - bar) / 2
        met_h, breached_h = d["met"] * scale, d["breached"] * scale
        base = height - pad
        bars.append(
            {
                **d,
                "x": round(x, 1),
                "met_y": round(base - met_h, 1),
                "met_h": round(met_h, 1),
                "breached_y": round(base - met_h - breached_h, 1),
                "breached_h": round(breached_h, 1),
                "label": i == 0 or i == len(trend) - 1 or (len(trend) <= 14) or i % 7 == 0,
                "label_x": round(x + bar / 2, 1),
            }
        )
    return {
        "width": width,
        "height": height,
        "pad": pad,
        "axis_y": height - pad,
        "label_y": height - pad / 3,
        "bar": round(bar, 1),
        "top": top,
        "bars": bars,
    }


@supervisor_required
def clock_list(request):
    """The clocks (and their cases) behind one dashboard number."""
    form = ClockListForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(gettext("This list is not known."))
    data, user = form.cleaned_data, request.user
    which = data["list"] or "judged"
    if which == "at-risk":
        clocks = selectors.clock_list_at_risk(user)
    elif which == "breached":
        clocks = selectors.clock_list_breached(user)
    else:
        since, until = form.bounds()
        by = data["by"] or None
        clocks = selectors.clock_list_judged(
            user,
            since,
            until,
            outcome=data["outcome"] or None,
            by=by,
            group=request.GET.get("group") if by else None,
        ).select_related("ticket__assignee", "ticket__organisation")
        clocks = clocks.order_by("-stopped_at", "-pk")
    if data["target"]:
        clocks = clocks.filter(kind=data["target"])
    rows, page, has_next = _page(clocks, request)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "sla/clocks.html",
        {
            "form": form,
            "which": which,
            "which_label": dict(ClockListForm.LISTS)[which],
            "clocks": rows,
            "page": page,
            "has_next": has_next,
            "query": params.urlencode(),
            "now": timezone.now(),
        },
    )


# --- notifications (moved to the outbox's inbox) -------------------------------------------


def notification_list(request):
    """The old address of the SLA notifications: the inbox now lists every kind."""
    return redirect("notices:inbox", permanent=True)


@login_required
def nav(request):
    """The navbar's unread count and, for managers, the unofficial-calendar banner (loaded by htmx).

    A fragment of its own, so the pages keep their pinned query counts; the figures come from the
    ``sla.context_processors.sla`` context processor, evaluated here.
    """
    return render(request, "sla/_nav.html")
