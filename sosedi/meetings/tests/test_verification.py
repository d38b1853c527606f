import pytest
from django.urls import reverse

from sosedi.meetings.models import AgendaItem, Ballot
from sosedi.meetings.verification import verify_meeting

from .test_documents import _finished

pytestmark = pytest.mark.django_db


def test_an_intact_meeting_verifies():
    m, _chair, _item = _finished()
    check = verify_meeting(m)
    assert check.ok, check.problems
    assert check.items_checked == 1 and check.record_hash == m.record_hash


def test_a_ballot_altered_in_the_database_is_detected(client):
    m, _chair, item = _finished()
    Ballot.objects.filter(item=item).update(choice="against")  # bypassing the application
    check = verify_meeting(m)
    assert not check.ok
    assert any("бюллетени изменены после закрытия голосования" in p for p in check.problems)
    html = client.get(reverse("meetings:verify", args=[m.pk])).content.decode()
    assert "Запись о собрании изменена или повреждена" in html and "Вопрос 1" in html


def test_a_deleted_ballot_is_detected():
    m, _chair, item = _finished()
    Ballot.objects.filter(item=item).delete()
    assert not verify_meeting(m).ok


def test_a_rewritten_tally_is_detected():
    m, _chair, item = _finished()
    item.refresh_from_db()
    tally = dict(item.tally)
    tally["for"] += 10
    AgendaItem.objects.filter(pk=item.pk).update(tally=tally)
    problems = verify_meeting(m).problems
    assert any("итоги не совпадают" in p for p in problems)


def test_verify_page_is_public_and_says_the_record_is_intact(client):
    m, _chair, _item = _finished()
    html = client.get(reverse("meetings:verify", args=[m.pk])).content.decode()
    assert "Запись о собрании не изменена" in html and m.record_hash in html
