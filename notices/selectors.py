from django.db.models import QuerySet

from .models import Notice


def notice_list_for_user(user) -> QuerySet[Notice]:
    """The user's inbox, newest first (the inbox index: recipient, read_at, -created_at)."""
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-id")


def notice_unread_count(user) -> int:
    return Notice.objects.filter(recipient=user, read_at=None).count()


def notice_list_outbox(*, status: str = "", kind: str = "") -> QuerySet[Notice]:
    """Every notice for the staff outbox, filtered; the recipient joined for the page."""
    notes = Notice.objects.select_related("recipient").order_by("-created_at", "-id")
    if status:
        notes = notes.filter(status=status)
    if kind:
        notes = notes.filter(kind=kind)
    return notes
