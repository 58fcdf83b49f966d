from celery import shared_task


@shared_task
def purge_kept_uploads() -> int:
    from .forms import kept_uploads_purge

    return kept_uploads_purge()
