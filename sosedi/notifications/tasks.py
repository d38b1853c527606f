import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification

logger = logging.getLogger(__name__)


def _absolute_link(url: str) -> str:
    """Only links inside the site go into a letter (a notification never sends a person off-site)."""
    if url.startswith("/") and not url.startswith("//") and "\\" not in url:
        return settings.SITE_URL.rstrip("/") + url
    return ""


def _subject(title: str) -> str:
    # A header may not contain line breaks (Django refuses them); fold any whitespace run to one space.
    return " ".join(f"«Соседи»: {title}".split())


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_notification_email(self, notification_id: int) -> bool:
    """Send one notification by e-mail; True when sent. Safe to run twice: a sent notification is not resent."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None or notification.emailed_at:
        return False
    user = notification.user
    # Anonymised people (152-ФЗ deletion) and people without an address get the in-app notice only.
    if user.anonymised_at or not user.email:
        return False
    context = {"notification": notification, "user": user, "link": _absolute_link(notification.url)}
    message = EmailMultiAlternatives(
        subject=_subject(notification.title),
        body=render_to_string("notifications/email.txt", context),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as exc:
        Notification.objects.filter(pk=notification.pk).update(email_error=str(exc)[:2000])
        logger.warning("notification %s: e-mail failed: %s", notification.pk, exc)
        # Under a real worker the SMTP server may be back in a minute; in-process (no Redis) a retry would
        # block the request that caused the notification, so the error is only recorded.
        if not self.request.is_eager:
            raise self.retry(exc=exc) from exc
        return False
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now(), email_error="")
    return True
