"""Audience «participants of a meeting»: a workshop's before/after tests go to those registered at it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant, member
from sosedi.meetings import services as meetings
from sosedi.meetings.models import Participant, ParticipationMode
from sosedi.meetings.tests.factories import meeting, open_meeting, tos_with_chair
from sosedi.surveys import selectors, services
from sosedi.surveys.models import Anonymity, Audience, Survey, SurveyKind, TestPhase
from sosedi.territories.tests.factories import TosFactory, saratov_region

from .factories import staff
from .test_services import qd

pytestmark = pytest.mark.django_db


def _test_for(chair, tos, workshop, **fields):
    s = services.survey_create(
        actor=chair,
        owner_tos=tos,
        title="Тест до занятия",
        kind=SurveyKind.TEST,
        phase=TestPhase.BEFORE,
        anonymity=Anonymity.IDENTIFIED,
        audience=Audience.MEETING,
        audience_meeting=workshop,
        opens_at=timezone.now() - timedelta(hours=1),
        **fields,
    )
    section = services.section_add(actor=chair, survey=s, title="Вопросы")
    question = services.question_add(
        actor=chair, section=section, kind="single", text="Кто созывает собрание ТОС?", options="*Совет\nМэр", points=1
    )
    services.survey_publish(actor=chair, survey=s)
    s.refresh_from_db()
    return s, section, question


def test_the_meeting_is_required_and_checked_in_the_database():
    tos, chair = tos_with_chair()
    with pytest.raises(ValidationError) as error:
        services.survey_create(actor=chair, owner_tos=tos, title="Тест", audience=Audience.MEETING)
    assert "audience_meeting" in error.value.message_dict
    s = services.survey_create(actor=chair, owner_tos=tos, title="Тест")
    with pytest.raises(IntegrityError), transaction.atomic():
        Survey.objects.filter(pk=s.pk).update(audience=Audience.MEETING)


def test_only_meetings_whose_list_one_sees_can_be_chosen():
    tos, chair = tos_with_chair()
    workshop = meeting(tos, chair)
    meetings.meeting_call(actor=chair, meeting=workshop)
    other_tos, other_chair = tos_with_chair()
    member(other_tos, other_chair)
    with pytest.raises(ValidationError) as error:
        services.survey_create(
            actor=other_chair, owner_tos=other_tos, title="Чужое", audience=Audience.MEETING, audience_meeting=workshop
        )
    assert "видите" in error.value.message_dict["audience_meeting"][0]
    # Association staff run regional surveys but do not see a ТОС's registration lists.
    with pytest.raises(ValidationError):
        services.survey_create(actor=staff(), title="Область", audience=Audience.MEETING, audience_meeting=workshop)
    s = services.survey_create(
        actor=chair, owner_tos=tos, title="Своё", audience=Audience.MEETING, audience_meeting=workshop
    )
    assert s.audience_meeting == workshop
    # Switching the audience away lets go of the meeting.
    services.survey_update(actor=chair, survey=s, audience=Audience.PUBLIC)
    s.refresh_from_db()
    assert s.audience_meeting is None


def test_the_builders_list_agrees_with_the_permission_for_every_role():
    tos, chair = tos_with_chair()
    mine = meeting(tos, chair)
    meetings.meeting_call(actor=chair, meeting=mine)
    draft = meeting(tos, chair)
    other_tos, other_chair = tos_with_chair()
    theirs = meeting(other_tos, other_chair)
    meetings.meeting_call(actor=other_chair, meeting=theirs)
    people = [chair, ResidentFactory(), member(tos).user, staff()]
    official = UserFactory()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=tos.municipality)
    council = member(tos).user
    grant(council, Role.COUNCIL_MEMBER, tos=tos)
    admin = UserFactory()
    grant(admin, Role.ADMINISTRATOR, region=saratov_region())
    people += [official, council, admin]
    every = [mine, draft, theirs]
    for m in every:
        m.refresh_from_db()
    for person in people:
        listed = set(selectors.meetings_for_audience(person).filter(pk__in=[m.pk for m in every]))
        allowed = {m for m in every if person.has_perm("surveys.address_meeting", m)}
        assert listed == allowed, person
    assert set(selectors.meetings_for_audience(chair).filter(pk__in=[m.pk for m in every])) == {mine}


def test_those_registered_answer_and_nobody_else():
    tos, chair = tos_with_chair()
    workshop = open_meeting(tos, chair)
    there = member(tos).user
    meetings.check_in_remote(actor=there, meeting=workshop)
    absent = member(tos).user  # a member of the same ТОС who did not come
    represented = member(tos).user
    Participant.objects.create(
        meeting=workshop,
        user=represented,
        mode=ParticipationMode.PROXY,
        full_name="Доверитель",
        birth_year=1950,
        person_key="доверитель 1950",
        proxy_holder=Participant.objects.get(meeting=workshop, user=there),
        checked_in_at=timezone.now(),
    )
    s, section, question = _test_for(chair, tos, workshop)
    assert there.has_perm("surveys.answer_survey", s)
    assert not absent.has_perm("surveys.answer_survey", s)
    assert not represented.has_perm("surveys.answer_survey", s)
    services.response_save_section(
        actor=there, survey=s, section=section, data=qd(**{f"q{question.pk}": str(question.options.first().pk)})
    )
    response = services.response_submit(actor=there, survey=s)
    assert response.score == 1
    with pytest.raises(PermissionDenied):
        services.response_save_section(
            actor=absent, survey=s, section=section, data=qd(**{f"q{question.pk}": str(question.options.first().pk)})
        )


def test_the_builder_offers_the_meeting_and_the_page_names_it(client):
    tos, chair = tos_with_chair()
    member(tos, chair)
    workshop = meeting(tos, chair)
    meetings.meeting_call(actor=chair, meeting=workshop)
    other_tos, other_chair = tos_with_chair()
    foreign = meeting(other_tos, other_chair)
    meetings.meeting_call(actor=other_chair, meeting=foreign)
    client.force_login(chair)
    url = reverse("surveys:create") + f"?tos={tos.pk}"
    page = client.get(url).content.decode()
    assert f"{workshop.title} — ТОС «{tos.name}»" in page
    assert f"{foreign.title} — ТОС «{other_tos.name}»" not in page
    response = client.post(url, {"title": "Тест до занятия", "kind": "survey", "audience": "meeting",
                                 "anonymity": "identified", "opens_at": "2026-12-01T10:00"})  # fmt: skip
    assert response.status_code == 200 and "Укажите собрание" in response.content.decode()
    response = client.post(url, {"title": "Тест до занятия", "kind": "survey", "audience": "meeting",
                                 "audience_meeting": workshop.pk, "anonymity": "identified",
                                 "opens_at": "2026-12-01T10:00"})  # fmt: skip
    assert response.status_code == 302
    s = Survey.objects.get(title="Тест до занятия")
    assert s.audience_meeting == workshop
    detail = client.get(reverse("surveys:detail", args=[s.pk])).content.decode()
    assert f"«{workshop.title}»" in detail


def test_a_meeting_with_a_survey_cannot_be_deleted():
    tos, chair = tos_with_chair()
    workshop = meeting(tos, chair)
    meetings.meeting_call(actor=chair, meeting=workshop)
    services.survey_create(
        actor=chair, owner_tos=tos, title="Тест", audience=Audience.MEETING, audience_meeting=workshop
    )
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        workshop.delete()


def test_a_member_list_of_another_tos_is_not_a_meeting_audience():
    """TosFactory here only to show the meeting, not the ТОС, decides: a member of the meeting's ТОС who is not
    registered does not answer, a person registered from elsewhere (a guest of a hybrid workshop) does."""
    tos, chair = tos_with_chair()
    workshop = open_meeting(tos, chair)
    guest = ResidentFactory()
    member(TosFactory(), guest)
    Participant.objects.create(
        meeting=workshop, user=guest, mode=ParticipationMode.IN_PERSON, full_name="Гость", birth_year=1990,
        person_key="гость 1990", checked_in_at=timezone.now(),
    )  # fmt: skip
    s, _section, _q = _test_for(chair, tos, workshop)
    assert guest.has_perm("surveys.answer_survey", s)
