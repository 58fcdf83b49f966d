"""Celery entry points for dispatch: take ids, call an idempotent service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def dispatch_sweep() -> dict:
    """Beat, every minute: re-dispatch the cases not accepted in time, and queue again the automatic
    dispatches whose message was lost (each reads only its due rows)."""
    from .services.assignment import dispatch_sweep_unaccepted, dispatch_sweep_unqueued

    return {"redispatched": dispatch_sweep_unaccepted(), "requeued": dispatch_sweep_unqueued()}


@shared_task
def dispatch_auto_task(ticket_id: int) -> None:
    from .services.assignment import dispatch_auto

    dispatch_auto(ticket_id=ticket_id)
