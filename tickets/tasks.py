from celery import shared_task
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.translation import gettext

from core.links import absolute_url

from .models import PublicRequest


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_public_request_confirmation(public_request_id: int) -> None:
    request = PublicRequest.objects.filter(pk=public_request_id, confirmed_at__isnull=True).first()
    if request is None:
        return
    link = absolute_url("tickets:public-confirm", request.token)
    body = render_to_string("tickets/email/public_confirm.txt", {"request": request, "link": link})
    send_mail(gettext("Confirm your service request"), body, None, [request.email])


@shared_task
def purge_kept_uploads() -> int:
    from .forms import kept_uploads_purge

    return kept_uploads_purge()
