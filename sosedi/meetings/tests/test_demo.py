import pytest
from django.core.management import call_command

from sosedi.core.audit import audit_verify
from sosedi.meetings.models import Ballot, Meeting, MeetingKind, MeetingState, Participant, VoteState
from sosedi.meetings.quorum import meeting_quorum

pytestmark = pytest.mark.django_db


def test_demo_tells_the_meetings_story_and_loads_once():
    call_command("load_demo")
    counts = (Meeting.objects.count(), Participant.objects.count(), Ballot.objects.count())
    finished = Meeting.objects.get(state=MeetingState.CLOSED)
    assert finished.kind == MeetingKind.ASSEMBLY and finished.record_hash
    assert meeting_quorum(finished).reached
    assert all(i.vote_state == VoteState.PUBLISHED and i.decided for i in finished.agenda_items.all())
    live = Meeting.objects.get(state=MeetingState.OPEN)
    assert live.format == "hybrid" and meeting_quorum(live).reached
    assert live.agenda_items.filter(vote_state=VoteState.OPEN).count() == 1
    assert not live.participants.filter(user__email="member@demo.sosedi.ru").exists()  # left for the visitor
    conference = Meeting.objects.get(kind=MeetingKind.CONFERENCE)
    assert conference.state == MeetingState.CALLED and conference.delegates.count() == 6
    call_command("load_demo")
    assert (Meeting.objects.count(), Participant.objects.count(), Ballot.objects.count()) == counts
    assert audit_verify().ok
