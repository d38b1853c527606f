"""Who may do what with a meeting: the ТОС roles of accounts.predicates applied to the meeting's ТОС, and the
meeting's state. The services check the finer legal conditions (age, delegate, registration) themselves."""

import rules

from sosedi.accounts.predicates import (
    is_administrator,
    is_municipal_official_for,
    is_tos_body,
    is_tos_leader,
    is_tos_member,
)

from .models import MeetingState


def _tos(meeting):
    return getattr(meeting, "tos", None)


@rules.predicate
def leads_meeting_tos(user, meeting) -> bool:
    return _tos(meeting) is not None and is_tos_leader(user, meeting.tos)


@rules.predicate
def in_meeting_tos_body(user, meeting) -> bool:
    return _tos(meeting) is not None and is_tos_body(user, meeting.tos)


@rules.predicate
def member_of_meeting_tos(user, meeting) -> bool:
    return _tos(meeting) is not None and is_tos_member(user, meeting.tos)


@rules.predicate
def official_for_meeting(user, meeting) -> bool:
    return _tos(meeting) is not None and is_municipal_official_for(user, meeting.tos)


@rules.predicate
def meeting_is_draft(user, meeting) -> bool:
    return getattr(meeting, "state", None) == MeetingState.DRAFT


@rules.predicate
def meeting_is_editable(user, meeting) -> bool:
    return getattr(meeting, "state", None) in (MeetingState.DRAFT, MeetingState.CALLED)


@rules.predicate
def meeting_is_open(user, meeting) -> bool:
    return getattr(meeting, "state", None) == MeetingState.OPEN


@rules.predicate
def meeting_is_running(user, meeting) -> bool:
    """Not yet finished: the leaders still steer it."""
    return getattr(meeting, "state", None) in (MeetingState.DRAFT, MeetingState.CALLED, MeetingState.OPEN)


@rules.predicate
def meeting_is_closed(user, meeting) -> bool:
    return getattr(meeting, "state", None) == MeetingState.CLOSED


is_meeting_leader = is_administrator | leads_meeting_tos
