import json

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from sosedi.core.models import AuditEvent
from sosedi.meetings import results
from sosedi.meetings.models import AgendaItem, Ballot, Meeting
from sosedi.meetings.verification import verify_meeting

from .test_documents import _finished, _with_items

pytestmark = pytest.mark.django_db


def _problems(m) -> list[str]:
    m = Meeting.objects.get(pk=m.pk)  # as the page loads it: fresh from the database
    return verify_meeting(m).problems


def test_an_intact_meeting_verifies():
    m, _chair, _item = _finished()
    check = verify_meeting(m)
    assert check.ok, check.problems
    assert check.items_checked == 1 and check.record_hash == m.record_hash
    assert check.checked_events == AuditEvent.objects.count()


def test_an_intact_election_verifies():
    m = _with_items(2)
    check = verify_meeting(m)
    assert check.ok, check.problems
    assert check.items_checked == 3


def test_a_ballot_altered_in_the_database_is_detected(client):
    m, _chair, item = _finished()
    Ballot.objects.filter(item=item).update(choice="against")  # bypassing the application
    check = verify_meeting(m)
    assert not check.ok
    assert any(
        p.startswith("Вопрос 1 «Вопрос 1»: бюллетени изменены после закрытия голосования") for p in check.problems
    )
    html = client.get(reverse("meetings:verify", args=[m.pk])).content.decode()
    assert "Запись о собрании изменена или повреждена" in html and "бюллетени изменены" in html


def test_a_candidate_mark_moved_in_the_database_is_detected():
    m = _with_items(1)
    item = m.agenda_items.get(title="Выборы")
    other = item.candidates.get(name="Рябов Иван")
    Ballot.candidates.through.objects.filter(ballot__item=item).update(candidate=other)
    problems = _problems(m)
    assert any("Вопрос 2" in p and "бюллетени изменены" in p for p in problems)
    assert any("Вопрос 2" in p and "итоги не совпадают с пересчётом" in p for p in problems)


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
    problems = _problems(m)
    assert any("итоги не совпадают" in p for p in problems)


def test_a_ballot_and_tally_rewritten_together_are_still_caught_by_the_journal():
    """Whoever changes the ballots and recomputes the item's columns to match cannot rewrite the chain."""
    m, _chair, item = _finished()
    Ballot.objects.filter(item=item).update(choice="against")
    item.refresh_from_db()
    AgendaItem.objects.filter(pk=item.pk).update(tally=results.tally(item), ballots_digest=results.ballots_digest(item))
    problems = _problems(m)
    assert any("отпечаток бюллетеней в итогах не совпадает с записанным в журнале" in p for p in problems)
    assert any("изменены после закрытия голосования" in p for p in problems)


def test_a_rewritten_decision_is_detected():
    m, _chair, item = _finished()
    AgendaItem.objects.filter(pk=item.pk).update(decided=False, result_text="Решение не принято.")
    problems = _problems(m)
    assert any("решение) изменены после закрытия" in p for p in problems)
    assert any("текст решения отличается от опубликованного" in p for p in problems)


def test_a_final_hash_of_another_meeting_or_an_earlier_one_is_detected():
    m, _chair, _item = _finished()
    other, _c, _i = _finished()
    Meeting.objects.filter(pk=m.pk).update(record_hash=other.record_hash)
    assert "Итоговый хеш принадлежит записи о другом собрании." in _problems(m)
    opened = AuditEvent.objects.get(action="meeting.open", payload__meeting=m.pk)
    Meeting.objects.filter(pk=m.pk).update(record_hash=opened.hash)
    assert any("раньше закрытия последнего голосования" in p for p in _problems(m))
    Meeting.objects.filter(pk=m.pk).update(record_hash="0" * 64)
    assert "Итоговый хеш из протокола не найден в журнале действий." in _problems(m)
    Meeting.objects.filter(pk=m.pk).update(record_hash="")
    assert "Итоговый хеш собрания не записан." in _problems(m)


def test_an_edited_journal_entry_breaks_the_chain():
    m, _chair, item = _finished()
    event = AuditEvent.objects.filter(action="vote.close", payload__item=item.pk).get()
    payload = json.dumps({**event.payload, "decided": not event.payload["decided"]}, ensure_ascii=False)
    sql = "UPDATE core_auditevent SET payload = %s WHERE seq = %s"
    if connection.vendor == "postgresql":
        # There the database itself refuses to rewrite the journal, so there is nothing left to detect.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [payload, event.seq])
        assert verify_meeting(m).ok
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, [payload, event.seq])
    problems = _problems(m)
    assert any(p.startswith(f"Журнал действий повреждён: запись № {event.seq}") for p in problems)


def test_verify_page_is_public_and_says_the_record_is_intact(client):
    m, _chair, _item = _finished()
    response = client.get(reverse("meetings:verify", args=[m.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Запись о собрании не изменена" in html and m.record_hash in html
    assert "<script" not in html.split("<main")[-1].split("</main>")[0]  # the verdict needs no JavaScript


def test_a_hash_from_an_earlier_printed_protocol_is_recognised(client):
    from sosedi.core.models import AuditEvent

    m, _chair, _item = _finished()
    earlier = AuditEvent.objects.filter(action="vote.close", payload__meeting=m.pk).latest("seq").hash
    html = client.get(reverse("meetings:verify", args=[m.pk]) + f"?hash={earlier}").content.decode()
    assert "Этот хеш — запись этого собрания: закрытие голосования" in html
    html = client.get(reverse("meetings:verify", args=[m.pk]) + "?hash=" + "0" * 64).content.decode()
    assert "Такого хеша в записи этого собрания нет" in html
