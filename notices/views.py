"""Each user's notices (inbox, preferences) and the staff outbox."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import NoticePreference, NoticeStatus
from .registry import notice_kind, notice_kinds

PAGE_SIZE = 50


def supervisor_required(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not getattr(request.user, "is_supervisor", False):
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


def _base(user) -> str:
    return "staff_base.html" if getattr(user, "is_staff_member", False) else "portal_base.html"


def _label(key: str) -> str:
    try:
        return notice_kind(key).label
    except KeyError:
        return key


@login_required
def inbox(request):
    rows, page, has_next = _page(selectors.notice_list_for_user(request.user), request)
    for note in rows:
        note.label = _label(note.kind)
    context = {"notices": rows, "page": page, "has_next": has_next, "base_template": _base(request.user)}
    return render(request, "notices/inbox.html", context)


@login_required
@require_POST
def mark_read(request):
    """Mark one (``id``) or every unread notice of the user as read."""
    ids = None if "all" in request.POST else [int(i) for i in request.POST.getlist("id") if i.isdigit()]
    services.notices_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("notices:inbox")
    return redirect(target)


@login_required
def nav(request):
    """The navbar's unread badge, loaded by htmx so the pages keep their pinned query counts."""
    return render(request, "notices/_nav.html", {"unread": selectors.notice_unread_count(request.user)})


@login_required
def preferences(request):
    """Turn optional kinds on and off; the others are listed as always on. Each reader sees the kinds they receive."""
    kinds = notice_kinds(for_staff=request.user.is_staff_member)
    if request.method == "POST":
        chosen = set(request.POST.getlist("kind"))
        services.notice_preferences_set(user=request.user, enabled={k.key: k.key in chosen for k in kinds})
        messages.success(request, gettext("Your notification settings are saved."))
        return redirect("notices:preferences")
    off = set(NoticePreference.objects.filter(user=request.user, enabled=False).values_list("kind", flat=True))
    rows = [{"key": k.key, "label": k.label, "optional": k.optional, "enabled": k.key not in off} for k in kinds]
    return render(request, "notices/preferences.html", {"kinds": rows, "base_template": _base(request.user)})


@supervisor_required
def outbox(request):
    status = request.GET.get("status", "")
    status = status if status in NoticeStatus.values else ""
    kinds = notice_kinds()
    kind = request.GET.get("kind", "")
    kind = kind if kind in {k.key for k in kinds} else ""
    rows, page, has_next = _page(selectors.notice_list_outbox(status=status, kind=kind), request)
    for note in rows:
        note.label = _label(note.kind)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "notices": rows,
        "page": page,
        "has_next": has_next,
        "status": status,
        "kind": kind,
        "statuses": NoticeStatus.choices,
        "kinds": kinds,
        "query": params.urlencode(),
        "failed": NoticeStatus.FAILED,
    }
    return render(request, "notices/outbox.html", context)


@supervisor_required
@require_POST
def resend(request, notice_id: int):
    if services.notice_resend(notice_id=notice_id):
        messages.success(request, gettext("The notification is queued again."))
    else:
        messages.warning(request, gettext("Only a failed notification can be sent again."))
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = reverse("notices:outbox")
    return redirect(target)
