"""Survey predicates. A survey is managed from its owner scope: a ТОС's body for a ТОС survey, the
municipality's officials for a municipal one, association staff for a regional one; administrators everywhere.
Who answers is the survey's audience."""

import rules

from sosedi.accounts.predicates import (
    is_administrator,
    is_association_staff,
    is_municipal_official_for,
    is_tos_body,
    is_tos_member,
)
from sosedi.territories.models import Municipality, Tos

from .models import Audience, Survey, SurveyState


def _survey(obj) -> Survey | None:
    return obj if isinstance(obj, Survey) else None


@rules.predicate
def may_create_here(user, target) -> bool:
    """A ТОС body in its ТОС, an official in their municipality, staff for the region (no target)."""
    if isinstance(target, Tos):
        return is_tos_body(user, target) or is_municipal_official_for(user, target) or is_association_staff(user)
    if isinstance(target, Municipality):
        return is_municipal_official_for(user, target) or is_association_staff(user)
    return target is None and is_association_staff(user)


@rules.predicate
def manages_survey(user, obj) -> bool:
    survey = _survey(obj)
    if survey is None or not user.is_authenticated:
        return False
    if is_administrator(user):
        return True
    if survey.owner_tos_id:
        tos = survey.owner_tos
        return is_tos_body(user, tos) or is_municipal_official_for(user, tos)
    if survey.owner_municipality_id:
        return is_municipal_official_for(user, survey.owner_municipality)
    return is_association_staff(user)


@rules.predicate
def survey_is_draft(user, obj) -> bool:
    survey = _survey(obj)
    return survey is not None and survey.state == SurveyState.DRAFT


@rules.predicate
def survey_is_open(user, obj) -> bool:
    survey = _survey(obj)
    return survey is not None and survey.is_open()


@rules.predicate
def results_are_public(user, obj) -> bool:
    survey = _survey(obj)
    return survey is not None and survey.state == SurveyState.PUBLISHED and survey.results_public


@rules.predicate
def in_audience(user, obj) -> bool:
    survey = _survey(obj)
    if survey is None:
        return False
    if survey.audience == Audience.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if survey.audience == Audience.REGION:
        return True
    if survey.audience == Audience.TOS_MEMBERS:
        return is_tos_member(user, survey.audience_tos)
    if survey.audience == Audience.MUNICIPALITY:
        home = user.municipality
        # A district's survey reaches the residents of its settlements too.
        return home is not None and survey.audience_municipality_id in (home.pk, home.parent_id)
    if survey.audience == Audience.MEETING:
        return registered_at(user, survey.audience_meeting_id)
    return False


def registered_at(user, meeting_id) -> bool:
    """Registered at the meeting with one's own account — in person, online or at the door. A paper entry
    without an account cannot answer online, and one represented by proxy was not there."""
    from sosedi.meetings.models import Participant, ParticipationMode

    return Participant.objects.filter(meeting_id=meeting_id, user=user).exclude(mode=ParticipationMode.PROXY).exists()


@rules.predicate
def meeting_takes_surveys(user, meeting) -> bool:
    """Called, running or held: a draft may still change or vanish, a cancelled one has nobody to ask."""
    from sosedi.meetings.models import MeetingState

    return getattr(meeting, "state", None) in (MeetingState.CALLED, MeetingState.OPEN, MeetingState.CLOSED)


@rules.predicate
def is_region_staff(user) -> bool:
    return is_association_staff(user) or is_administrator(user)
