"""The results tally: kept in step with the answers by submission, withdrawal and deletion, equal to a recount
after any mix of them, rebuilt by a command, and what the unfiltered results page and the API read."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from sosedi.accounts import services as account_services
from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys import selectors, services, tally
from sosedi.surveys.models import Anonymity, Response, ResponseStatus, ResultTally

from .factories import every_kind, opt, staff
from .test_services import first_section_ok, qd, second_section_ok

pytestmark = pytest.mark.django_db


def _send(s, one, two, q, person=None, *, single="Да", scale="4", number="2", multiple=("Скамейки", "Урны")):
    person = person or ResidentFactory()
    first = first_section_ok(q) | {
        f"q{q['single'].pk}": opt(q["single"], single),
        f"q{q['scale'].pk}": scale,
        f"q{q['number'].pk}": number,
        f"q{q['multiple'].pk}": [opt(q["multiple"], m) for m in multiple],
    }
    r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**first))
    second = second_section_ok(q)
    if single != "Да":
        second.pop(f"q{q['conditional'].pk}")
    services.response_save_section(actor=person, survey=s, section=two, data=qd(**second), draft_key=r.draft_key)
    return services.response_submit(actor=person, survey=s, draft_key=r.draft_key)


def _normal(buckets: dict) -> dict:
    """Without the `changes` version, counts and totals as plain numbers (SQLite keeps decimals as floats)."""
    return {
        k: (q, n, Decimal(t).quantize(Decimal("0.01")))
        for k, (q, n, t) in buckets.items()
        if k != tally.CHANGES and (n or k == tally.RESPONSES)
    }


def _flat(results):
    total, per_question = results
    return total, [
        (
            r.question.pk,
            r.answered,
            [(b.label, b.count, b.percent) for b in r.bars],
            r.mean,
            [(label, [(b.label, b.count, b.percent) for b in bars]) for label, bars in r.rows],
        )
        for r in per_question
    ]


def test_the_tally_equals_a_recount_after_sends_withdrawals_and_deletions():
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.IDENTIFIED)
    people = [ResidentFactory() for _ in range(5)]
    sent = [
        _send(s, one, two, q, people[0]),
        _send(s, one, two, q, people[1], single="Нет", scale="1", number="7.5", multiple=("Фонари",)),
        _send(s, one, two, q, people[2], scale="5", number="0"),
    ]
    # A draft is not counted.
    services.response_save_section(actor=people[3], survey=s, section=one, data=qd(**first_section_ok(q)))
    assert _normal(tally.current(s.pk)) == _normal(tally.recount(s.pk))
    services.response_delete(actor=people[1], response=sent[1])  # withdrawn by its author
    _send(s, one, two, q, people[1], scale="3", multiple=("Урны",))  # … who answers again
    services.response_delete(actor=boss, response=sent[0], reason="дубль")  # removed by the survey's staff
    _send(s, one, two, q, people[4], single="Нет", scale="2", number="11.25")
    current = _normal(tally.current(s.pk))
    assert current == _normal(tally.recount(s.pk))
    assert current[tally.RESPONSES][1] == Response.objects.filter(survey=s, status=ResponseStatus.SUBMITTED).count()
    assert current[f"q{q['number'].pk}"][2] == Decimal("13.25")  # 0 + 2 + 11.25
    # Every figure the page and the API show is the same from the tally as from GROUP BY over the answers.
    assert _flat(selectors.survey_results(s)) == _flat(selectors.survey_results(s, use_tally=False))


def test_withdrawal_is_the_authors_own_and_only_while_open():
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.IDENTIFIED)
    author, stranger = ResidentFactory(), ResidentFactory()
    response = _send(s, one, two, q, author)
    with pytest.raises(PermissionDenied):
        services.response_delete(actor=stranger, response=response)
    services.survey_close(actor=boss, survey=s)
    response.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.response_delete(actor=author, response=response)
    services.response_delete(actor=boss, response=response)  # staff still may (a duplicate found later)
    assert tally.current(s.pk)[tally.RESPONSES][1] == 0


def test_an_unlinked_response_cannot_be_withdrawn_by_anyone_but_staff():
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.ONE_PER_PERSON)
    person = ResidentFactory()
    response = _send(s, one, two, q, person)
    assert response.user_id is None
    with pytest.raises(PermissionDenied):
        services.response_delete(actor=person, response=response)


def test_deleting_an_account_keeps_its_answers_and_the_tally():
    """Anonymisation blanks the person, not their answers: the tally has nothing to take away."""
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.IDENTIFIED)
    person = ResidentFactory()
    _send(s, one, two, q, person)
    before = _normal(tally.current(s.pk))
    account_services.account_delete(actor=person, user=person)
    assert _normal(tally.current(s.pk)) == before == _normal(tally.recount(s.pk))


def test_the_rebuild_command_repairs_a_tally():
    boss = staff()
    s, one, two, q = every_kind(boss)
    for _ in range(3):
        _send(s, one, two, q)
    ResultTally.objects.filter(survey=s, bucket=f"q{q['single'].pk}").update(count=99)
    ResultTally.objects.filter(survey=s, bucket=f"q{q['scale'].pk}v4").delete()
    version = selectors.results_version(s)
    call_command("surveys_tally_rebuild", str(s.pk), stdout=io.StringIO())
    assert _normal(tally.current(s.pk)) == _normal(tally.recount(s.pk))
    assert selectors.results_version(s) == version + 1  # cached filtered results are computed afresh


def test_cached_results_follow_a_deletion_even_when_the_count_comes_back():
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.IDENTIFIED)
    person = ResidentFactory()
    first = _send(s, one, two, q, person, single="Да")
    assert selectors.cached_results(s)[1][0].bars[0].count == 1  # «Да»
    services.response_delete(actor=person, response=first)
    _send(s, one, two, q, person, single="Нет")
    total, results = selectors.cached_results(s)
    assert total == 1 and [b.count for b in results[0].bars[:2]] == [0, 1]


def test_the_api_reads_the_tally(client):
    boss = staff()
    s, one, two, q = every_kind(boss, results_public=True)
    _send(s, one, two, q)
    _send(s, one, two, q, single="Нет", scale="2")
    body = client.get(f"/api/v1/surveys/{s.pk}/results").json()
    assert body["responses"] == 2
    single = next(x for x in body["questions"] if x["id"] == q["single"].pk)
    assert [o["count"] for o in single["options"][:2]] == [1, 1]
    scale = next(x for x in body["questions"] if x["id"] == q["scale"].pk)
    assert scale["mean"] == 3.0
    ResultTally.objects.filter(survey=s, bucket=tally.RESPONSES).update(count=7)  # the API's figure is the tally's
    assert client.get(f"/api/v1/surveys/{s.pk}/results").json()["responses"] == 7


def test_a_person_withdraws_their_identified_answer_from_the_survey_page(client):
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.IDENTIFIED)
    person = ResidentFactory()
    _send(s, one, two, q, person)
    client.force_login(person)
    page = client.get(f"/surveys/{s.pk}/").content.decode()
    assert "Отозвать мой ответ" in page
    followed = client.post(f"/surveys/{s.pk}/withdraw/", follow=True).content.decode()
    assert "Ваш ответ отозван" in followed
    assert not Response.objects.filter(survey=s).exists()
    assert tally.current(s.pk)[tally.RESPONSES][1] == 0
    # Nothing left to withdraw: a polite refusal, not an error page.
    again = client.post(f"/surveys/{s.pk}/withdraw/", follow=True).content.decode()
    assert "Отозвать можно только свой ответ" in again


def test_no_withdrawal_button_in_an_anonymous_survey(client):
    s, one, two, q = every_kind(staff(), anonymity=Anonymity.ONE_PER_PERSON)
    person = ResidentFactory()
    _send(s, one, two, q, person)
    client.force_login(person)
    page = client.get(f"/surveys/{s.pk}/").content.decode()
    assert "Вы уже ответили" in page and "Отозвать мой ответ" not in page
