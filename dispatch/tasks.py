"""Celery entry points for dispatch: take ids, call an idempotent service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def dispatch_sweep() -> int:
    """Re-dispatch the cases not accepted in time (reads only the due rows)."""
    from .services.assignment import dispatch_sweep_unaccepted

    return dispatch_sweep_unaccepted()


@shared_task
def dispatch_auto_task(ticket_id: int) -> None:
    from .services.assignment import dispatch_auto

    dispatch_auto(ticket_id=ticket_id)
