from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, UserFactory, grant, member
from sosedi.core.audit import audit_verify
from sosedi.core.models import AuditEvent
from sosedi.meetings import services
from sosedi.meetings.models import (
    Ballot,
    MeetingFormat,
    MeetingKind,
    MeetingState,
    Participant,
    ParticipationMode,
    QuestionKind,
    VoteKind,
    VoteRecord,
)
from sosedi.meetings.quorum import meeting_quorum
from sosedi.notifications.models import Notification

from .factories import meeting as make_meeting
from .factories import members, open_meeting, tos_with_chair

pytestmark = pytest.mark.django_db


def test_chair_calls_a_meeting_and_members_are_notified():
    tos, chair = tos_with_chair()
    people = members(tos, 3)
    m = make_meeting(tos, chair, days=10)
    warning = services.meeting_call(actor=chair, meeting=m)
    assert warning == ""
    assert m.state == MeetingState.CALLED
    assert Notification.objects.filter(kind="meeting.called", user__in=people).count() == 3


def test_short_notice_warns_with_the_rule_but_does_not_block():
    tos, chair = tos_with_chair()
    m = make_meeting(tos, chair, days=3)
    warning = services.meeting_call(actor=chair, meeting=m)
    assert "менее чем за 7 дн." in warning and "устав ТОС" in warning
    assert m.state == MeetingState.CALLED


def test_a_plain_member_cannot_call_a_meeting():
    tos, _chair = tos_with_chair()
    someone = member(tos).user
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=someone,
            tos=tos,
            kind="assembly",
            format="online",
            title="x",
            starts_at=timezone.now() + timedelta(days=9),
            link="https://x.ru",
        )


def test_hybrid_meeting_needs_place_and_link():
    tos, chair = tos_with_chair()
    with pytest.raises(ValidationError) as exc:
        services.meeting_create(
            actor=chair,
            tos=tos,
            kind="assembly",
            format="hybrid",
            title="x",
            starts_at=timezone.now() + timedelta(days=9),
        )
    assert set(exc.value.message_dict) == {"place", "link"}


def test_exclusive_power_cannot_be_decided_at_a_council_session():
    tos, chair = tos_with_chair()
    m = make_meeting(tos, chair, kind=MeetingKind.COUNCIL, items=0)
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(actor=chair, meeting=m, title="Утвердить смету", question=QuestionKind.BUDGET)
    assert "ч. 7 ст. 27 131-ФЗ" in exc.value.message_dict["question"][0]
    services.agenda_item_add(actor=chair, meeting=m, title="План субботника")


def test_secret_ballot_needs_the_charter():
    tos, chair = tos_with_chair(secret_ballot_allowed=False)
    m = make_meeting(tos, chair, items=0)
    with pytest.raises(ValidationError) as exc:
        services.agenda_item_add(actor=chair, meeting=m, title="Выборы", secret=True)
    assert "secret" in exc.value.message_dict


def test_opening_freezes_the_base_of_quorum():
    tos, chair = tos_with_chair(residents=300)
    m = open_meeting(tos, chair)
    tos.residents_16plus = 600
    tos.save()
    m.refresh_from_db()
    assert m.residents_16plus == 300
    assert meeting_quorum(m).residents_16plus == 300
    assert m.rules_snapshot["quorum"]["basis"] == "ч. 6 ст. 27 131-ФЗ"


def test_quorum_line_counts_remote_only_where_the_charter_allows():
    tos, chair = tos_with_chair(residents=6, remote_counts_for_quorum=False)
    people = members(tos, 3)
    m = open_meeting(tos, chair)
    for person in people:
        services.check_in_remote(actor=person, meeting=m)
    q = meeting_quorum(m)
    assert (q.present, q.not_counted_remote, q.reached) == (0, 3, False)
    services.register_paper(
        actor=chair, meeting=m, full_name="Бумажная Мария Петровна", birth_year=1960, address="д. 1"
    )
    services.register_paper(actor=chair, meeting=m, full_name="Бумажный Пётр", birth_year=1961, address="д. 2")
    q = meeting_quorum(m)
    assert q.present == 2 and q.reached is True  # 3·2 = 6 ≥ 6
    assert q.line == "Кворум есть: 2 из 6 (33,3 %), нужно не менее 2 — ч. 6 ст. 27 131-ФЗ"


def test_the_same_person_online_and_on_paper_is_counted_once():
    tos, chair = tos_with_chair(remote_counts_for_quorum=True)
    person = member(tos, ResidentFactory(last_name="Семёнова", first_name="Ольга", birth_date=date(1970, 3, 1))).user
    m = open_meeting(tos, chair)
    services.check_in_remote(actor=person, meeting=m)
    with pytest.raises(ValidationError) as exc:
        services.register_paper(
            actor=chair, meeting=m, full_name="  семенова   ольга ", birth_year=1970, address="д. 1"
        )
    assert "Дважды не учитываем" in exc.value.message_dict["full_name"][0]
    assert meeting_quorum(m).present == 1


def test_member_under_age_cannot_check_in():
    tos, chair = tos_with_chair(remote_counts_for_quorum=True)
    m = open_meeting(tos, chair)
    meeting_day = timezone.localdate(m.starts_at)
    young = member(
        tos, ResidentFactory(birth_date=meeting_day.replace(year=meeting_day.year - 16) + timedelta(days=1))
    ).user
    with pytest.raises(ValidationError) as exc:
        services.check_in_remote(actor=young, meeting=m)
    assert "16 лет" in exc.value.message_dict["__all__"][0]
    adult = member(tos, ResidentFactory(birth_date=meeting_day.replace(year=meeting_day.year - 16))).user
    services.check_in_remote(actor=adult, meeting=m)


def test_non_member_cannot_check_in():
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    with pytest.raises(PermissionDenied):
        services.check_in_remote(actor=ResidentFactory(), meeting=m)


def test_door_code_checks_in_and_upgrades_a_remote_registration():
    tos, chair = tos_with_chair()
    person = member(tos).user
    m = open_meeting(tos, chair)
    door = services.door_pass_issue(actor=person, meeting=m)
    assert services.door_pass_issue(actor=person, meeting=m).code == door.code
    services.check_in_remote(actor=person, meeting=m)
    p = services.check_in_by_code(actor=chair, meeting=m, code=door.code)
    assert p.mode == ParticipationMode.IN_PERSON
    assert Participant.objects.filter(meeting=m).count() == 1
    with pytest.raises(ValidationError):
        services.check_in_by_code(actor=chair, meeting=m, code="000000" if door.code != "000000" else "111111")


def _vote_everyone(item, people, choices):
    for person, choice in zip(people, choices, strict=True):
        services.ballot_cast(actor=person, item=item, choice=choice)


def test_named_vote_result_explains_itself_and_revote_replaces():
    tos, chair = tos_with_chair(residents=9, remote_counts_for_quorum=True)
    people = members(tos, 5)
    m = open_meeting(tos, chair)
    for person in people:
        services.check_in_remote(actor=person, meeting=m)
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    _vote_everyone(item, people, ["against", "against", "for", "for", "abstain"])
    _ballot, _receipt, replaced = services.ballot_cast(actor=people[0], item=item, choice="for")
    assert replaced is True
    assert Ballot.objects.filter(item=item).count() == 5
    item = services.vote_close(actor=chair, item=item)
    assert item.tally["for"] == 3 and item.tally["against"] == 1
    assert item.decided is True
    assert item.result_text == "Решение принято: за 3 из 5 присутствующих (60,0 %) — более половины."


def test_secret_ballot_is_unlinked_and_cannot_be_recast():
    tos, chair = tos_with_chair(residents=6, remote_counts_for_quorum=True)
    people = members(tos, 2)
    m = open_meeting(tos, chair, secret=True)
    for person in people:
        services.check_in_remote(actor=person, meeting=m)
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    ballot, receipt, _ = services.ballot_cast(actor=people[0], item=item, choice="for")
    assert ballot.voter_id is None and len(receipt) == 10
    with pytest.raises(ValidationError):
        services.ballot_cast(actor=people[0], item=item, choice="against")
    event = AuditEvent.objects.filter(action="ballot.cast").latest("seq")
    assert "choice" not in event.payload and receipt not in str(event.payload)
    assert VoteRecord.objects.filter(item=item).count() == 1


def test_remote_participant_cannot_vote_when_the_charter_does_not_count_them():
    tos, chair = tos_with_chair(remote_counts_for_quorum=False)
    person = member(tos).user
    m = open_meeting(tos, chair)
    services.check_in_remote(actor=person, meeting=m)
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    with pytest.raises(ValidationError) as exc:
        services.ballot_cast(actor=person, item=item, choice="for")
    assert "дистанционное" in exc.value.message_dict["__all__"][0]


def test_paper_totals_cannot_count_anyone_twice():
    tos, chair = tos_with_chair(residents=9)
    m = open_meeting(tos, chair)
    paper = [
        services.register_paper(
            actor=chair, meeting=m, full_name=f"Житель Номер{n}", birth_year=1950 + n, address="д. 3"
        )
        for n in range(4)
    ]
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    services.paper_ballot_enter(actor=chair, item=item, participant=paper[0], choice="for")
    with pytest.raises(ValidationError) as exc:
        services.paper_tally_set(actor=chair, item=item, votes_for=3, votes_against=1, votes_abstain=0)
    assert "(3)" in exc.value.message_dict["votes_for"][0]
    services.paper_tally_set(actor=chair, item=item, votes_for=2, votes_against=1, votes_abstain=0)
    with pytest.raises(ValidationError):
        services.paper_ballot_enter(actor=chair, item=item, participant=paper[1], choice="for")
    item = services.vote_close(actor=chair, item=item)
    assert (item.tally["for"], item.tally["against"], item.tally["cast"]) == (3, 1, 4)
    assert item.decided is True  # 3 of 4 present > half, quorum 4 of 9 (3·4 ≥ 9)


def test_no_quorum_means_no_decision_even_when_everyone_agrees():
    tos, chair = tos_with_chair(residents=300)
    m = open_meeting(tos, chair)
    p = services.register_paper(
        actor=chair, meeting=m, full_name="Единственный Житель", birth_year=1960, address="д. 1"
    )
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    services.paper_ballot_enter(actor=chair, item=item, participant=p, choice="for")
    item = services.vote_close(actor=chair, item=item)
    assert item.decided is False and item.result_text.startswith("Решение не принято: не было кворума")


def test_election_fills_seats_and_a_tie_for_the_last_seat_elects_neither():
    tos, chair = tos_with_chair(residents=6)
    m = open_meeting(tos, chair, vote_kind=VoteKind.ELECTION, seats=2, candidates=["Андреева", "Борисов", "Власова"])
    people = [
        services.register_paper(
            actor=chair, meeting=m, full_name=f"Избиратель Номер{n}", birth_year=1950 + n, address="д."
        )
        for n in range(5)
    ]
    item = m.agenda_items.get()
    a, b, c = item.candidates.all()
    services.vote_open(actor=chair, item=item)
    with pytest.raises(ValidationError) as exc:
        services.paper_ballot_enter(actor=chair, item=item, participant=people[0], candidate_ids=[a.pk, b.pk, c.pk])
    assert "не больше 2" in exc.value.message_dict["candidates"][0]
    for person, marks in zip(
        people, [[a.pk, b.pk], [a.pk, c.pk], [a.pk, b.pk], [b.pk, c.pk], [a.pk, c.pk]], strict=True
    ):
        services.paper_ballot_enter(actor=chair, item=item, participant=person, candidate_ids=marks)
    item = services.vote_close(actor=chair, item=item)
    assert item.tally["elected"] == [a.pk]
    assert item.result_text.startswith("Избраны: Андреева")
    assert "Равенство голосов у кандидатов: Борисов, Власова" in item.result_text  # 3 of 5 each, one seat left


def test_proxy_one_per_grantor_and_vote_on_behalf():
    tos, chair = tos_with_chair(residents=6, proxies_allowed=True)
    holder_user = member(tos).user
    m = open_meeting(tos, chair)
    door = services.door_pass_issue(actor=holder_user, meeting=m)
    holder = services.check_in_by_code(actor=chair, meeting=m, code=door.code)
    grantor = services.proxy_register(
        actor=chair,
        meeting=m,
        holder=holder,
        full_name="Доверитель Иван",
        birth_year=1940,
        document="№ 5 от 01.11.2026",
    )
    with pytest.raises(ValidationError):
        services.proxy_register(
            actor=chair, meeting=m, holder=holder, full_name="доверитель  иван", birth_year=1940, document="№ 6"
        )
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    services.ballot_cast(actor=holder_user, item=item, choice="for")
    services.ballot_cast(actor=holder_user, item=item, choice="against", on_behalf_of=grantor)
    assert VoteRecord.objects.get(item=item, participant=grantor).source == "proxy"
    assert meeting_quorum(m).present == 2


def test_proxy_refused_when_charter_is_silent():
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    holder = services.register_paper(actor=chair, meeting=m, full_name="Держатель Пётр", birth_year=1960, address="д.")
    with pytest.raises(ValidationError) as exc:
        services.proxy_register(
            actor=chair, meeting=m, holder=holder, full_name="Кто-то Иной", birth_year=1950, document="№1"
        )
    assert "доверенности" in exc.value.message_dict["__all__"][0]


def test_conference_quorum_by_delegates_and_representation():
    tos, chair = tos_with_chair(residents=900)
    m = make_meeting(tos, chair, kind=MeetingKind.CONFERENCE, fmt=MeetingFormat.IN_PERSON)
    delegates = [
        services.delegate_add(actor=chair, meeting=m, full_name=f"Делегат Номер{n}", represents=100) for n in range(3)
    ]
    services.meeting_call(actor=chair, meeting=m)
    services.meeting_open(actor=chair, meeting=m)
    for d in delegates[:2]:
        services.register_paper(actor=chair, meeting=m, full_name=d.full_name, birth_year=1970, delegate=d)
    q = meeting_quorum(m)
    assert q.reached is True  # 3·2 ≥ 2·3 and 3·300 ≥ 900
    assert q.line.startswith(
        "Кворум есть: делегатов 2 из 3 (66,7 %), нужно не менее 2; избранные делегаты представляют 300 из 900"
    )


def test_state_changes_and_ballots_are_in_the_audit_chain_and_seal_the_meeting():
    tos, chair = tos_with_chair(residents=3)
    m = open_meeting(tos, chair)
    p = services.register_paper(actor=chair, meeting=m, full_name="Житель Один", birth_year=1960, address="д.")
    item = m.agenda_items.get()
    services.vote_open(actor=chair, item=item)
    services.paper_ballot_enter(actor=chair, item=item, participant=p, choice="for")
    services.vote_close(actor=chair, item=item)
    services.vote_publish(actor=chair, item=item)
    services.meeting_close(actor=chair, meeting=m)
    m.refresh_from_db()
    actions = list(AuditEvent.objects.filter(payload__meeting=m.pk).values_list("action", flat=True))
    for action in [
        "meeting.create",
        "meeting.call",
        "meeting.open",
        "participant.paper",
        "vote.open",
        "ballot.cast",
        "vote.close",
        "vote.publish",
        "meeting.close",
    ]:
        assert action in actions
    assert m.record_hash == AuditEvent.objects.latest("seq").hash
    assert audit_verify().ok


def test_online_only_meeting_needs_a_charter_that_counts_remote_participants():
    tos, chair = tos_with_chair()
    with pytest.raises(ValidationError) as exc:
        make_meeting(tos, chair, fmt=MeetingFormat.ONLINE)
    assert "format" in exc.value.message_dict


def test_council_session_quorum_is_of_body_members():
    tos, chair = tos_with_chair(remote_counts_for_quorum=True)
    for role in (Role.SECRETARY, Role.COUNCIL_MEMBER, Role.COUNCIL_MEMBER):
        grant(ResidentFactory(), role, tos=tos)
    m = open_meeting(tos, chair, kind=MeetingKind.COUNCIL, fmt=MeetingFormat.ONLINE)
    assert m.residents_16plus == 4
    services.check_in_remote(actor=chair, meeting=m)
    assert meeting_quorum(m).line.startswith("Кворума нет: 1 из 4 членов совета (25,0 %), нужно не менее 2")
    with pytest.raises(ValidationError):
        services.check_in_remote(actor=chair, meeting=m)
    with pytest.raises(ValidationError) as exc:
        services.check_in_remote(actor=member(tos).user, meeting=m)  # a member, not of the council
    assert "участвуют его члены" in exc.value.message_dict["__all__"][0]
    with pytest.raises(PermissionDenied):
        services.check_in_remote(actor=UserFactory(), meeting=m)


def test_materials_are_checked_by_type_and_size():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sosedi.meetings.services import MATERIAL_MAX_BYTES

    tos, chair = tos_with_chair()
    m = make_meeting(tos, chair)
    item = m.agenda_items.get()
    with pytest.raises(ValidationError) as exc:
        services.material_add(actor=chair, item=item, title="x", file=SimpleUploadedFile("virus.exe", b"MZ"))
    assert "тип файла" in exc.value.message_dict["file"][0]
    big = SimpleUploadedFile("smeta.pdf", b"0" * (MATERIAL_MAX_BYTES + 1))
    with pytest.raises(ValidationError) as exc:
        services.material_add(actor=chair, item=item, title="x", file=big)
    assert "20 МБ" in exc.value.message_dict["file"][0]
    material = services.material_add(
        actor=chair, item=item, title="Смета", file=SimpleUploadedFile("smeta.pdf", b"%PDF")
    )
    assert material.file.name.endswith("smeta.pdf") and item.materials.count() == 1


def test_agenda_is_frozen_once_the_meeting_opens():
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    with pytest.raises(PermissionDenied):
        services.agenda_item_add(actor=chair, meeting=m, title="Ещё вопрос")


def test_rules_frozen_at_opening_are_not_changed_by_a_later_charter_edit():
    tos, chair = tos_with_chair(residents=3, remote_counts_for_quorum=True)
    person = member(tos).user
    m = open_meeting(tos, chair)
    services.check_in_remote(actor=person, meeting=m)
    services.charter_update(actor=chair, tos=tos, remote_counts_for_quorum=False)
    m.refresh_from_db()
    assert meeting_quorum(m).present == 1


def test_cancelled_meeting_tells_the_members():
    tos, chair = tos_with_chair()
    people = members(tos, 2)
    m = make_meeting(tos, chair)
    services.meeting_call(actor=chair, meeting=m)
    services.meeting_cancel(actor=chair, meeting=m, reason="Перенос из-за ремонта зала")
    assert Notification.objects.filter(kind="meeting.cancelled", user__in=people).count() == 2
    with pytest.raises(PermissionDenied):
        services.meeting_open(actor=chair, meeting=m)


def test_paper_entry_without_the_patronymic_is_still_the_same_person():
    tos, chair = tos_with_chair(remote_counts_for_quorum=True)
    person = member(
        tos, ResidentFactory(last_name="Орлова", first_name="Нина", patronymic="Петровна", birth_date=date(1958, 1, 9))
    ).user
    m = open_meeting(tos, chair)
    services.check_in_remote(actor=person, meeting=m)
    with pytest.raises(ValidationError) as exc:
        services.register_paper(actor=chair, meeting=m, full_name="Орлова Нина", birth_year=1958, address="д. 1")
    assert "Орлова Нина Петровна, 1958" in exc.value.message_dict["full_name"][0]
    services.register_paper(actor=chair, meeting=m, full_name="Орлова Нина", birth_year=1990, address="д. 1")


def test_the_database_refuses_a_second_registration_of_the_same_person():
    from django.db import IntegrityError, transaction

    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    services.register_paper(actor=chair, meeting=m, full_name="Ёлкина Анна", birth_year=1970, address="д. 1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(
            meeting=m,
            mode="paper",
            full_name="елкина анна",
            birth_year=1970,
            person_key=services.person_key("  ЕЛКИНА  Анна ", 1970),
            checked_in_at=timezone.now(),
        )


def test_a_proxy_grantor_is_checked_like_a_paper_registration():
    tos, chair = tos_with_chair(residents=9, proxies_allowed=True)
    m = open_meeting(tos, chair)
    holder = services.register_paper(actor=chair, meeting=m, full_name="Держатель Пётр", birth_year=1960, address="д.")
    with pytest.raises(ValidationError) as exc:
        services.proxy_register(actor=chair, meeting=m, holder=holder, full_name=" ", birth_year=None, document="№1")
    assert {"full_name", "birth_year"} <= set(exc.value.message_dict)
    services.register_paper(actor=chair, meeting=m, full_name="Орлова Нина Петровна", birth_year=1950, address="д.")
    with pytest.raises(ValidationError) as exc:  # already in the room on paper, without the patronymic here
        services.proxy_register(
            actor=chair, meeting=m, holder=holder, full_name="Орлова Нина", birth_year=1950, document="№2"
        )
    assert "Дважды не учитываем" in exc.value.message_dict["full_name"][0]
