"""Notifications: an in-app row at once, an e-mail after the transaction commits (never for a rolled-back
change), sent through Celery when Redis is configured and in-process otherwise."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(*, user, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    notification = Notification.objects.create(user=user, kind=kind, title=title[:255], body=body, url=url[:500])
    if user.email and not user.anonymised_at:
        from .tasks import send_notification_email

        # After commit: a rolled-back change must not have told anyone anything.
        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
