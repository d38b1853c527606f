from datetime import date, datetime, time, timedelta

from django.utils import timezone

from .models import AuditEvent


def _day_start(d: date) -> datetime:
    return timezone.make_aware(datetime.combine(d, time.min))


def audit_events(
    *,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """Newest first. Dates are local calendar days, inclusive on both ends."""
    qs = AuditEvent.objects.select_related("actor").order_by("-seq")
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(actor_id=actor)
    if date_from:
        qs = qs.filter(created_at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(created_at__lt=_day_start(date_to + timedelta(days=1)))
    return qs
