from celery import shared_task


@shared_task
def sla_sweep() -> dict:
    """Beat, every minute: record what fell due and write its notices (the outbox sends them)."""
    from .services import sla_check_due

    result = sla_check_due()
    return {"warnings": result.warnings, "breaches": result.breaches}
