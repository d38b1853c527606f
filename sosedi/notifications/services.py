"""Notifications: an in-app row at once, an e-mail after the transaction commits (never for a rolled-back
change), sent through Celery when Redis is configured and in-process otherwise."""

from django.db import transaction

from .models import Notification


def notify(*, user, kind: str, title: str, body: str = "", url: str = "") -> Notification:
    notification = Notification.objects.create(user=user, kind=kind, title=title[:255], body=body, url=url)
    if user.email and not user.anonymised_at:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    if notification.user_id != actor.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    if notification.read_at is None:
        from django.utils import timezone

        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor) -> int:
    from django.utils import timezone

    return Notification.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
