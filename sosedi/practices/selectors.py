"""Reads of the catalogue: one query per page whatever the number of practices."""

from sosedi.core.models import AuditEvent
from sosedi.territories.models import Direction, Municipality

from .models import Practice, PracticeState


def catalogue(*, direction: str = "", municipality: str = ""):
    qs = Practice.objects.filter(state=PracticeState.ACCEPTED).select_related("direction", "municipality", "tos")
    if direction:
        qs = qs.filter(direction__code=direction)
    if municipality.isdigit():
        qs = qs.filter(municipality_id=int(municipality))
    return qs


def filter_choices():
    """Only the directions and municipalities that have accepted practices, so no filter leads to nothing."""
    accepted = Practice.objects.filter(state=PracticeState.ACCEPTED)
    directions = Direction.objects.filter(pk__in=accepted.values("direction_id")).order_by("position")
    municipalities = Municipality.objects.filter(pk__in=accepted.values("municipality_id")).order_by("name")
    return list(directions), list(municipalities)


def review_queue():
    return (
        Practice.objects.filter(state=PracticeState.PROPOSED)
        .select_related("direction", "municipality", "tos", "project", "proposed_by")
        # Oldest waiting first; a practice proposed again after a decline waits from then (the service stamps
        # updated_at), not from its first proposal.
        .order_by("updated_at", "id")
    )


def earlier_decline_reasons(practices) -> dict[int, str]:
    """For proposals sent again after a decline: the reason of the latest decline, read from the audit log (the
    row itself holds only the current proposal). One query for the whole queue."""
    ids = [str(p.pk) for p in practices]
    events = AuditEvent.objects.filter(
        action="practice.declined", object_type=Practice._meta.label_lower, object_id__in=ids
    ).order_by("seq")
    return {int(e.object_id): e.payload.get("reason", "") for e in events.only("object_id", "payload")}
