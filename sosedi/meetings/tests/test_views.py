from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sosedi.accounts.tests.factories import ResidentFactory, member
from sosedi.meetings import services
from sosedi.meetings.models import Meeting, MeetingState, Participant, VoteState

from .factories import meeting as make_meeting
from .factories import members, open_meeting, tos_with_chair

pytestmark = pytest.mark.django_db


def _when(days=10):
    return (timezone.localtime() + timedelta(days=days)).strftime("%Y-%m-%dT18:00")


def test_chair_prepares_calls_and_opens_a_meeting_through_the_pages(client):
    tos, chair = tos_with_chair(remote_counts_for_quorum=True)
    client.force_login(chair)
    page = client.get(reverse("meetings:list") + f"?tos={tos.pk}")
    assert "Назначить собрание" in page.content.decode()
    response = client.post(
        reverse("meetings:create", args=[tos.pk]),
        {
            "kind": "assembly",
            "format": "hybrid",
            "title": "Отчётное собрание",
            "starts_at": _when(),
            "place": "Школа № 5",
            "link": "https://meet.example.ru/x",
            "convened_by": "Совет ТОС",
        },
    )
    meeting = Meeting.objects.get(title="Отчётное собрание")
    assert response.status_code == 302 and response.url == reverse("meetings:edit", args=[meeting.pk])
    client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {"form": "item", "title": "Отчёт совета", "question": "reports", "vote_kind": "question"},
    )
    client.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {
            "form": "item",
            "title": "Выборы совета",
            "question": "elect_bodies",
            "vote_kind": "election",
            "seats": 2,
            "candidates": "Иванова\nПетров\nСидоров",
            "secret": "on",
        },
    )
    assert [i.title for i in meeting.agenda_items.all()] == ["Отчёт совета", "Выборы совета"]
    client.post(reverse("meetings:state", args=[meeting.pk, "call"]))
    client.post(
        reverse("meetings:state", args=[meeting.pk, "open"]),
        {"presiding_name": "Иванова А.", "secretary_name": "Петрова Е."},
    )
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.OPEN and meeting.presiding_name == "Иванова А."
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Кворума нет: 0 из 300 (0,0 %), нужно не менее 100 — ч. 6 ст. 27 131-ФЗ" in page


def test_bad_meeting_form_shows_errors_next_to_fields_and_saves_nothing(client):
    tos, chair = tos_with_chair()
    client.force_login(chair)
    response = client.post(
        reverse("meetings:create", args=[tos.pk]),
        {"kind": "assembly", "format": "in_person", "title": "x", "starts_at": "завтра", "convened_by": "Совет"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Укажите дату и время" in html
    assert not Meeting.objects.exists()
    response = client.post(
        reverse("meetings:create", args=[tos.pk]),
        {"kind": "assembly", "format": "in_person", "title": "x", "starts_at": _when(), "convened_by": "Совет"},
    )
    assert 'id="id_place_error"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_member_checks_in_and_votes_from_the_page_and_sees_published_result(client):
    tos, chair = tos_with_chair(residents=3, remote_counts_for_quorum=True)
    person = member(tos).user
    m = open_meeting(tos, chair)
    item = m.agenda_items.get()
    client.force_login(person)
    page = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Зарегистрироваться дистанционно" in page
    client.post(reverse("meetings:check_in", args=[m.pk]))
    assert Participant.objects.filter(meeting=m, user=person, mode="remote").exists()
    services.vote_open(actor=chair, item=item)
    page = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Проголосовать" in page
    client.post(reverse("meetings:vote", args=[m.pk, item.pk]), {"choice": "for"})
    services.vote_close(actor=chair, item=item)
    page = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Решение принято" not in page  # not yet published
    services.vote_publish(actor=chair, item=item)
    client.logout()
    page = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Решение принято: за 1 из 1 присутствующих (100,0 %) — более половины." in page


def test_secret_vote_shows_the_receipt_once_and_lists_it_after_publication(client):
    tos, chair = tos_with_chair(residents=3, remote_counts_for_quorum=True)
    person = member(tos).user
    m = open_meeting(tos, chair, secret=True)
    item = m.agenda_items.get()
    services.check_in_remote(actor=person, meeting=m)
    services.vote_open(actor=chair, item=item)
    client.force_login(person)
    response = client.post(reverse("meetings:vote", args=[m.pk, item.pk]), {"choice": "against"}, follow=True)
    html = response.content.decode()
    assert "Ваш код проверки" in html
    code = html.split('class="receipt-code">')[1].split("<")[0]
    assert "Ваш код проверки" not in client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    services.vote_close(actor=chair, item=item)
    services.vote_publish(actor=chair, item=item)
    html = client.get(reverse("meetings:receipts", args=[m.pk])).content.decode()
    assert code in html and "против" in html


def test_secretary_desk_paper_registration_and_totals(client):
    tos, chair = tos_with_chair(residents=6)
    m = open_meeting(tos, chair)
    item = m.agenda_items.get()
    client.force_login(chair)
    url = reverse("meetings:desk", args=[m.pk])
    for n, name in enumerate(["Алексеева Вера", "Борисов Глеб", "Волков Дмитрий"]):
        client.post(url, {"form": "paper", "full_name": name, "birth_year": 1950 + n, "address": "д. 7"})
    response = client.post(
        url, {"form": "paper", "full_name": "Юный Житель", "birth_year": timezone.now().year - 10, "address": "д. 7"}
    )
    assert "Участвуют жители, достигшие 16 лет" in response.content.decode()
    assert Participant.objects.filter(meeting=m, mode="paper").count() == 3
    services.vote_open(actor=chair, item=item)
    response = client.post(url, {"form": f"tally-{item.pk}", "votes_for": 3, "votes_against": 1, "votes_abstain": 0})
    assert "кто-то посчитан дважды" in response.content.decode()
    client.post(url, {"form": f"tally-{item.pk}", "votes_for": 2, "votes_against": 1, "votes_abstain": 0})
    item = services.vote_close(actor=chair, item=item)
    assert item.decided is True and item.tally["cast"] == 3


def test_draft_is_hidden_from_everyone_but_the_leaders(client):
    tos, chair = tos_with_chair()
    m = make_meeting(tos, chair)
    assert client.get(reverse("meetings:detail", args=[m.pk])).status_code == 404
    assert m.title not in client.get(reverse("meetings:list")).content.decode()
    client.force_login(member(tos).user)
    assert client.get(reverse("meetings:detail", args=[m.pk])).status_code == 404
    client.force_login(chair)
    assert client.get(reverse("meetings:detail", args=[m.pk])).status_code == 200


def test_member_cannot_reach_the_desk_or_run_votes(client):
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    client.force_login(member(tos).user)
    assert client.get(reverse("meetings:desk", args=[m.pk])).status_code == 403
    item = m.agenda_items.get()
    assert client.post(reverse("meetings:item_action", args=[m.pk, item.pk, "open"])).status_code == 403
    item.refresh_from_db()
    assert item.vote_state == VoteState.DRAFT


def test_door_pass_page_shows_code_and_qr(client):
    tos, chair = tos_with_chair()
    person = member(tos).user
    m = open_meeting(tos, chair)
    client.force_login(person)
    html = client.get(reverse("meetings:pass", args=[m.pk])).content.decode()
    code = m.door_passes.get(user=person).code
    assert code in html and "<svg" in html


def _populate(m, chair, n):
    for k in range(n):
        services.register_paper(
            actor=chair, meeting=m, full_name=f"Участник Номер{k}", birth_year=1950 + k % 40, address="д."
        )


def test_meeting_page_queries_do_not_grow_with_participants_and_items(client, django_assert_max_num_queries):
    tos, chair = tos_with_chair(residents=900)
    small = open_meeting(tos, chair, items=2)
    _populate(small, chair, 3)
    big = open_meeting(tos, chair, items=12)
    _populate(big, chair, 60)
    for viewer in (None, chair, members(tos, 1)[0]):
        if viewer:
            client.force_login(viewer)
        counts = []
        for m in (small, big):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(reverse("meetings:detail", args=[m.pk])).status_code == 200
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], counts


def test_quorum_partial_is_the_line_alone(client):
    tos, chair = tos_with_chair(residents=3)
    m = open_meeting(tos, chair)
    html = client.get(reverse("meetings:quorum", args=[m.pk])).content.decode()
    assert html.strip().startswith('<div id="quorum"') and "hx-trigger" in html and "<html" not in html


def test_list_shows_upcoming_meetings_of_a_tos(client):
    tos, chair = tos_with_chair()
    m = make_meeting(tos, chair)
    services.meeting_call(actor=chair, meeting=m)
    html = client.get(reverse("meetings:list") + "?state=upcoming").content.decode()
    assert m.title in html and tos.name in html


def test_a_resident_who_is_not_a_member_sees_why_they_cannot_register(client):
    tos, chair = tos_with_chair()
    m = open_meeting(tos, chair)
    client.force_login(ResidentFactory())
    html = client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "Подайте заявку на вступление" in html


def test_anonymous_cached_page_shows_a_new_registration_at_once(client):
    tos, chair = tos_with_chair(residents=9)
    m = open_meeting(tos, chair)
    first = client.get(reverse("meetings:detail", args=[m.pk]))
    assert "Кворума нет: 0 из 9" in first.content.decode()
    assert client.get(reverse("meetings:detail", args=[m.pk]))["X-Page-Cache"] == "hit"
    services.register_paper(actor=chair, meeting=m, full_name="Новая Участница", birth_year=1970, address="д. 1")
    assert "Кворума нет: 1 из 9" in client.get(reverse("meetings:detail", args=[m.pk])).content.decode()
    assert "1 из 9" in client.get(reverse("meetings:quorum", args=[m.pk])).content.decode()


def test_bad_input_on_the_leaders_forms_is_answered_not_crashed(client):
    tos, chair = tos_with_chair()
    m = make_meeting(tos, chair)
    services.meeting_call(actor=chair, meeting=m)
    client.force_login(chair)
    response = client.post(reverse("meetings:state", args=[m.pk, "open"]), {"presiding_name": "Я" * 300}, follow=True)
    assert "255" in response.content.decode()  # the form's own length message, shown as an error
    m.refresh_from_db()
    assert m.state == MeetingState.CALLED
    assert client.post(reverse("meetings:edit", args=[m.pk]), {"form": "remove_item", "item": "abc"}).status_code == 404


def test_an_administrator_sees_drafts_in_the_list(client):
    from sosedi.accounts.models import Role
    from sosedi.accounts.tests.factories import UserFactory, grant
    from sosedi.territories.tests.factories import saratov_region

    tos, chair = tos_with_chair()
    draft = make_meeting(tos, chair)
    admin = UserFactory()
    grant(admin, Role.ADMINISTRATOR, region=saratov_region())
    client.force_login(admin)
    assert draft.title in client.get(reverse("meetings:list")).content.decode()
