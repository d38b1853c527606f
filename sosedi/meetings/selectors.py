"""Reads of the meetings capability: lists and the pages' data, with their related rows fetched up front so
the number of queries does not grow with the number of meetings, items or participants."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q

from sosedi.accounts.models import RoleAssignment
from sosedi.accounts.predicates import is_administrator
from sosedi.core.pagecache import content_version

from .models import AgendaItem, Candidate, Material, Meeting, MeetingState, Participant, VoteRecord, VoteState
from .rules_snapshot import LEADER_ROLES


def _led_tos_ids(user):
    """The ТОС this person convenes meetings of (chair or secretary), as a subquery."""
    return RoleAssignment.objects.filter(user=user, revoked_at__isnull=True, role__in=LEADER_ROLES).values("tos_id")


def meeting_list(*, user=None, tos=None, state: str = ""):
    """Meetings a visitor may see — the list form of `meetings.view_meeting`: everything but drafts, plus the
    drafts of ТОС the user leads; administrators see all."""
    qs = Meeting.objects.select_related("tos", "tos__municipality").annotate(items=Count("agenda_items"))
    if user is None or not is_administrator(user):
        visible = ~Q(state=MeetingState.DRAFT)
        if user is not None and user.is_authenticated:
            visible |= Q(tos_id__in=_led_tos_ids(user))
        qs = qs.filter(visible)
    if tos is not None:
        qs = qs.filter(tos=tos)
    if state == "upcoming":
        qs = qs.filter(state__in=[MeetingState.CALLED, MeetingState.OPEN]).order_by("starts_at", "id")
    elif state == "past":
        qs = qs.filter(state=MeetingState.CLOSED)
    return qs


PAGE_TIMEOUT = 60  # also bounds how long a change outside the meeting (the ТОС card, a role) can go unseen


def meeting_scope(pk) -> str:
    """Content-version scope of one meeting: bumped by every event of it (services._log)."""
    return f"meeting:{pk}"


def cached_for_meeting(pk, name: str, build):
    """`build()` kept in the cache while nothing in meeting `pk` has changed: the key carries the meeting's
    content version, which every event of the meeting bumps. A live page is reloaded and polled by hundreds of
    participants; the version read is memoised per process (sosedi.core.pagecache), so a hit costs one cache
    read and no database query."""
    key = f"meeting-{name}:{pk}:{content_version(meeting_scope(pk))}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, PAGE_TIMEOUT)
    return value


def meeting_for_page(pk) -> Meeting:
    """The meeting with its agenda for showing. Writes must not use this copy: they load the meeting afresh."""
    return cached_for_meeting(pk, "page", lambda: meeting_detail(pk))


def visible_meeting(user, pk, *, for_page: bool = False) -> Meeting | None:
    """The meeting with its agenda if `user` may see it (`meetings.view_meeting`), else None — the one answer
    to "may this person see this meeting" for the pages, the documents and the API."""
    if not 0 < int(pk) < 2**62:
        return None
    try:
        meeting = meeting_for_page(pk) if for_page else meeting_detail(pk)
    except Meeting.DoesNotExist:
        return None
    return meeting if user.has_perm("meetings.view_meeting", meeting) else None


def meeting_detail(pk) -> Meeting:
    return (
        Meeting.objects.select_related("tos", "tos__municipality", "tos__charter")
        .prefetch_related(
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.order_by("position").prefetch_related(
                    Prefetch("materials", queryset=Material.objects.order_by("id")),
                    Prefetch("candidates", queryset=Candidate.objects.order_by("position", "id")),
                ),
            )
        )
        .get(pk=pk)
    )


@dataclass
class MyPart:
    participant: Participant | None
    voted_items: set
    represented: list  # proxy participants whose votes I cast
    voted_by_proxy: set = field(default_factory=set)  # (item id, participant id)


def my_part(user, meeting: Meeting, *, proxies_allowed: bool = True) -> MyPart:
    """The viewer's registration, the people they represent by proxy, and the items they have voted on. A live
    page is reloaded often, so only what can exist is asked for: proxies where the charter allows them, votes
    while some vote is open."""
    if not user.is_authenticated:
        return MyPart(None, set(), [])
    participant = Participant.objects.filter(meeting=meeting, user=user).first()
    if participant is None:
        return MyPart(None, set(), [])
    represented = list(Participant.objects.filter(proxy_holder=participant)) if proxies_allowed else []
    if not any(item.vote_state == VoteState.OPEN for item in meeting.agenda_items.all()):
        return MyPart(participant, set(), represented)
    rows = VoteRecord.objects.filter(participant__in=[participant, *represented]).values_list(
        "item_id", "participant_id"
    )
    voted = {item_id for item_id, pk in rows if pk == participant.pk}
    voted_by_proxy = {(item_id, pk) for item_id, pk in rows if pk != participant.pk}
    return MyPart(participant, voted, represented, voted_by_proxy)


def participants(meeting: Meeting):
    return (
        Participant.objects.filter(meeting=meeting)
        .select_related("entered_by", "delegate", "proxy_holder")
        .order_by("full_name", "id")
    )


def receipts(meeting: Meeting):
    """Published secret ballots as (item, receipt, choice or candidates) for anyone to check their own."""
    from .models import Ballot, VoteKind, VoteState

    items = [i for i in meeting.agenda_items.all() if i.secret and i.vote_state == VoteState.PUBLISHED]
    rows = []
    for item in items:
        ballots = (
            Ballot.objects.filter(item=item).exclude(receipt="").prefetch_related("candidates").order_by("receipt")
        )
        for ballot in ballots:
            if item.vote_kind == VoteKind.ELECTION:
                what = ", ".join(c.name for c in ballot.candidates.all())
            else:
                what = ballot.get_choice_display()
            rows.append((item, ballot.receipt, what))
    return rows


def tos_i_lead(user) -> list:
    """The ТОС whose meetings this person convenes (chair or secretary), for the shortcut on the list page."""
    if not user.is_authenticated:
        return []
    from sosedi.territories.models import Tos

    return list(Tos.objects.filter(pk__in=_led_tos_ids(user)).order_by("name"))
