import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_notification_email(self, notification_id: int) -> bool:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at or not notification.user.email:
        return False
    user = notification.user
    if user.anonymised_at:
        return False
    link = settings.SITE_URL.rstrip("/") + notification.url if notification.url.startswith("/") else notification.url
    context = {"notification": notification, "user": user, "link": link}
    message = EmailMultiAlternatives(
        subject=f"«Соседи»: {notification.title}",
        body=render_to_string("notifications/email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        Notification.objects.filter(pk=notification.pk).update(email_error=str(exc)[:2000])
        logger.warning("notification %s: e-mail failed: %s", notification.pk, exc)
        if not self.request.is_eager:
            raise self.retry(exc=exc) from exc
        return False
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now(), email_error="")
    return True
