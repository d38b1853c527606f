"""Every cell of the surveys table in docs/permissions.md, checked against has_perm for a person holding exactly
that role, with the survey in the state the row names, on a frozen clock."""

from datetime import UTC, datetime, timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from freezegun import freeze_time

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant, member
from sosedi.accounts.tests.test_permission_matrix import DOC, Cell, _person_with, parse_matrix
from sosedi.surveys import services
from sosedi.surveys.models import Audience
from sosedi.territories.tests.factories import TosFactory, municipality

from .factories import staff

CELLS = parse_matrix(DOC.read_text(encoding="utf-8"), header="| Действие с опросом |")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_the_table_covers_every_surveys_permission():
    registered = {name for name in rules.permissions.permissions if name.startswith("surveys.")}
    assert registered == {cell.perm for cell in CELLS}


def _with_question(actor, survey, publish=True):
    section = services.section_add(actor=actor, survey=survey, title="Раздел")
    services.question_add(actor=actor, section=section, kind="single", text="Да или нет?", options="Да\nНет")
    if publish:
        services.survey_publish(actor=actor, survey=survey)
    survey.refresh_from_db()
    return survey


def _meeting(tos, chair, *, call=True):
    from sosedi.meetings import services as meetings
    from sosedi.meetings.tests.factories import meeting

    m = meeting(tos, chair)
    if call:
        meetings.meeting_call(actor=chair, meeting=m)
    m.refresh_from_db()
    return m


def _registered(meeting, user):
    from sosedi.meetings.models import Participant, ParticipationMode
    from sosedi.meetings.services import person_key

    Participant.objects.create(
        meeting=meeting,
        user=user,
        mode=ParticipationMode.REMOTE,
        full_name=user.full_name or "Участник",
        birth_year=1980,
        person_key=person_key(user.full_name or f"Участник {user.pk}", 1980),
        checked_in_at=NOW,
    )


def _target(name, *, tos, other_tos, home, other_home, chair, other_chair, official, user=None):
    if name == "без объекта (вся область)" or name == "без объекта":
        return None
    if name == "назначенное собрание своего ТОС":
        return _meeting(tos, chair)
    if name == "собрание чужого ТОС":
        return _meeting(other_tos, other_chair)
    if name == "черновик собрания своего ТОС":
        return _meeting(tos, chair, call=False)
    if name.startswith("идёт, для участников собрания"):
        m = _meeting(tos, chair)
        window = {"opens_at": NOW - timedelta(days=1), "closes_at": NOW + timedelta(days=5)}
        s = services.survey_create(
            actor=chair, owner_tos=tos, title="Тест до занятия", audience=Audience.MEETING, audience_meeting=m, **window
        )
        if name.endswith("зарегистрирован на нём"):
            _registered(m, user)
        return _with_question(chair, s)
    if name == "ТОС (свой)":
        return tos
    if name == "чужой ТОС":
        return other_tos
    if name == "МО (своё)":
        return home
    if name == "МО (чужое)":
        return other_home
    window = {"opens_at": NOW - timedelta(days=1), "closes_at": NOW + timedelta(days=5)}
    if name == "черновик опроса ТОС":
        s = services.survey_create(actor=chair, owner_tos=tos, title="Черновик", **window)
        return _with_question(chair, s, publish=False)
    if name in ("опрос ТОС", "идёт, для участников ТОС"):
        s = services.survey_create(
            actor=chair, owner_tos=tos, title="ТОС", audience=Audience.TOS_MEMBERS, audience_tos=tos, **window
        )
        return _with_question(chair, s)
    if name == "опрос чужого ТОС":
        return _with_question(
            other_chair, services.survey_create(actor=other_chair, owner_tos=other_tos, title="Чужой", **window)
        )
    if name == "опрос МО":
        return _with_question(
            official, services.survey_create(actor=official, owner_municipality=home, title="МО", **window)
        )
    boss = staff()
    public = "итоги открыты всем" in name
    s = services.survey_create(actor=boss, title="Область", audience=Audience.REGION, results_public=public, **window)
    s = _with_question(boss, s)
    if name == "закрыт":
        services.survey_close(actor=boss, survey=s, now=NOW - timedelta(hours=1))
    return s


@pytest.mark.django_db
@freeze_time(NOW)
@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.perm}|{c.target}|{c.role.value}")
def test_cell_matches_has_perm(cell: Cell):
    home = municipality()
    other_home = municipality("Энгельсский муниципальный район")
    tos = TosFactory(municipality=home)
    other_tos = TosFactory(municipality=other_home)
    chair, other_chair, official = UserFactory(), UserFactory(), UserFactory()
    member(tos, chair)  # positions are given to members only
    grant(chair, Role.CHAIR, tos=tos)
    member(other_tos, other_chair)
    grant(other_chair, Role.CHAIR, tos=other_tos)
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=home)
    if cell.role == Role.CHAIR:
        user = chair  # one chair per ТОС
    else:
        user = _person_with(cell.role, tos=tos, municipality_=home)
    target = _target(
        cell.target,
        tos=tos,
        other_tos=other_tos,
        home=home,
        other_home=other_home,
        chair=chair,
        other_chair=other_chair,
        official=official,
        user=user,
    )
    perm_target = () if cell.perm == "surveys.train_classifier" else (target,)
    assert user.has_perm(cell.perm, *perm_target) is cell.allowed, f"docs/permissions.md says {cell.text!r}"


@pytest.mark.django_db
@freeze_time(NOW)
def test_anonymous_answers_a_public_link_only():
    boss = staff()
    window = {"opens_at": NOW - timedelta(days=1), "closes_at": NOW + timedelta(days=5)}
    public = _with_question(
        boss, services.survey_create(actor=boss, title="Ссылка", audience=Audience.PUBLIC, **window)
    )
    region = _with_question(
        boss, services.survey_create(actor=boss, title="Область", audience=Audience.REGION, **window)
    )
    anonymous = AnonymousUser()
    assert anonymous.has_perm("surveys.answer_survey", public)
    assert not anonymous.has_perm("surveys.answer_survey", region)
    for perm in ("change_survey", "view_results", "export_responses"):
        assert not anonymous.has_perm(f"surveys.{perm}", public)
