"""Every cell of the meetings table in docs/permissions.md, checked against has_perm for a person holding exactly
that role, with the meeting put in the state the row names, on a frozen clock."""

from datetime import UTC, datetime

import pytest
import rules
from freezegun import freeze_time

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.accounts.tests.test_permission_matrix import DOC, Cell, _person_with, parse_matrix
from sosedi.meetings import services
from sosedi.meetings.models import MeetingState
from sosedi.territories.models import TosStatus
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import meeting as make_meeting

CELLS = parse_matrix(DOC.read_text(encoding="utf-8"), header="| Действие с собранием |")
STATES = {str(label): value for value, label in MeetingState.choices}
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_table_covers_every_meetings_permission():
    registered = {name for name in rules.permissions.permissions if name.startswith("meetings.")}
    assert registered == {cell.perm for cell in CELLS}


def _meeting_in(state: str, tos, chair):
    m = make_meeting(tos, chair, days=5)
    if state in (MeetingState.CALLED, MeetingState.OPEN, MeetingState.CLOSED):
        services.meeting_call(actor=chair, meeting=m)
    if state in (MeetingState.OPEN, MeetingState.CLOSED):
        services.meeting_open(actor=chair, meeting=m)
    if state == MeetingState.CLOSED:
        services.meeting_close(actor=chair, meeting=m)
    if state == MeetingState.CANCELLED:
        services.meeting_cancel(actor=chair, meeting=m)
    m.refresh_from_db()
    assert m.state == state
    return m


def _target(name: str, *, tos, other_tos, chair, other_chair):
    if name == "ТОС (действующий)":
        return tos
    if name == "ТОС (ликвидирован)":
        tos.status = TosStatus.LIQUIDATED
        tos.save(update_fields=["status"])
        return tos
    if name == "чужой ТОС":
        return other_tos
    foreign = name.endswith(" (чужой ТОС)")
    state = STATES[name.removesuffix(" (чужой ТОС)")]
    return _meeting_in(state, other_tos, other_chair) if foreign else _meeting_in(state, tos, chair)


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.perm}|{c.target}|{c.role.value}")
def test_cell_matches_has_perm(cell: Cell):
    home = municipality()
    tos = TosFactory(municipality=home, status=TosStatus.FORMING)
    other_tos = TosFactory(municipality=municipality("Энгельсский муниципальный район"))
    chair, other_chair = UserFactory(), UserFactory()
    grant(chair, Role.CHAIR, tos=tos)
    grant(other_chair, Role.CHAIR, tos=other_tos)
    if cell.role == Role.CHAIR:
        user = chair
    else:
        user = _person_with(cell.role, tos=tos, municipality_=home)
    target = _target(cell.target, tos=tos, other_tos=other_tos, chair=chair, other_chair=other_chair)
    assert user.has_perm(cell.perm, target) is cell.allowed, f"docs/permissions.md says {cell.text!r}"


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize("state", list(MeetingState))
def test_anonymous_sees_everything_but_drafts_and_does_nothing_else(state):
    from django.contrib.auth.models import AnonymousUser

    tos = TosFactory()
    chair = UserFactory()
    grant(chair, Role.CHAIR, tos=tos)
    m = _meeting_in(state, tos, chair)
    anonymous = AnonymousUser()
    assert anonymous.has_perm("meetings.view_meeting", m) is (state != MeetingState.DRAFT)
    for perm in ("change_meeting", "run_meeting", "publish_results", "view_participants", "check_in"):
        assert anonymous.has_perm(f"meetings.{perm}", m) is False
