"""Results: totals equal the responses counted, per-option counts and percentages, cross-tab, filters, the flow
over time, exports that respect anonymity, and a fixed number of queries whatever the number of responses."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from openpyxl import load_workbook

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys import selectors
from sosedi.surveys.models import Anonymity, Response, ResponseStatus
from sosedi.territories.tests.factories import municipality

from .factories import every_kind, opt, staff
from .test_services import answer_all, first_section_ok, qd, second_section_ok

pytestmark = pytest.mark.django_db


def _answer(s, one, two, q, *, person=None, single="Да", scale="4", town=None):
    from sosedi.surveys import services

    person = person or ResidentFactory(municipality=town)
    first = first_section_ok(q) | {f"q{q['single'].pk}": opt(q["single"], single), f"q{q['scale'].pk}": scale}
    r = services.response_save_section(actor=person, survey=s, section=one, data=qd(**first))
    second = second_section_ok(q)
    if single != "Да":
        second.pop(f"q{q['conditional'].pk}")
    services.response_save_section(actor=person, survey=s, section=two, data=qd(**second), draft_key=r.draft_key)
    return services.response_submit(actor=person, survey=s, draft_key=r.draft_key)


@pytest.fixture
def answered():
    boss = staff()
    s, one, two, q = every_kind(boss)
    saratov, engels = municipality(), municipality("Энгельсский муниципальный район")
    for _ in range(3):
        _answer(s, one, two, q, single="Да", scale="5", town=saratov)
    _answer(s, one, two, q, single="Нет", scale="1", town=engels)
    # A draft that was never sent is not a response.
    from sosedi.surveys import services

    services.response_save_section(actor=ResidentFactory(), survey=s, section=one, data=qd(**first_section_ok(q)))
    return boss, s, q, saratov, engels


def test_totals_equal_the_responses_counted(answered):
    boss, s, q, saratov, engels = answered
    total, results = selectors.survey_results(s)
    assert total == Response.objects.filter(survey=s, status=ResponseStatus.SUBMITTED).count() == 4
    by_q = {r.question.pk: r for r in results}
    single = by_q[q["single"].pk]
    assert [(b.label, b.count, b.percent) for b in single.bars] == [
        ("Да", 3, 75.0),
        ("Нет", 1, 25.0),
        ("Другое", 0, 0.0),
    ]
    multiple = by_q[q["multiple"].pk]
    assert {b.label: b.count for b in multiple.bars} == {"Скамейки": 4, "Фонари": 0, "Урны": 4}
    scale = by_q[q["scale"].pk]
    assert scale.mean == 4.0 and [b.count for b in scale.bars] == [1, 0, 0, 0, 3]
    matrix = by_q[q["matrix"].pk]
    assert matrix.rows[0][0] == "Свет" and [b.count for b in matrix.rows[0][1]] == [0, 4]
    ranking = by_q[q["ranking"].pk]
    assert [b.label for b in ranking.bars] == ["Дороги", "Свет", "Вода"] and ranking.bars[0].percent == 1.0
    conditional = by_q[q["conditional"].pk]
    assert conditional.answered == 3
    assert by_q[q["text"].pk].texts == ["Нет освещения во дворе"] * 4


def test_filters_and_crosstab_by_municipality(answered):
    boss, s, q, saratov, engels = answered
    total, _ = selectors.survey_results(s, selectors.Filters(municipality_id=engels.pk))
    assert total == 1
    choices, rows = selectors.crosstab(s, q["single"], "municipality")
    assert [o.label for o in choices] == ["Да", "Нет", "Другое"]
    assert rows == [
        ("Энгельсский муниципальный район", 1, [(0, 0.0), (1, 100.0), (0, 0.0)]),
        ("город Саратов", 3, [(3, 100.0), (0, 0.0), (0, 0.0)]),
    ]
    _choices, by_age = selectors.crosstab(s, q["single"], "age")
    assert by_age == [("30–44", 4, [(3, 75.0), (1, 25.0), (0, 0.0)])]


def test_responses_over_time_per_day():
    boss = staff()
    s, one, two, q = every_kind(boss)
    start = timezone.now()
    with freeze_time(start):
        _answer(s, one, two, q)
    with freeze_time(start + timedelta(days=1)):
        _answer(s, one, two, q)
        _answer(s, one, two, q)
    timeline = selectors.responses_over_time(s)
    assert [n for _d, n in timeline] == [1, 2]


def test_results_page_queries_do_not_grow_with_responses(client, answered):
    boss, s, q, saratov, engels = answered
    client.force_login(boss)
    url = reverse("surveys:results", args=[s.pk])
    client.get(url)  # warm per-process memos (directions, roles)
    cache.clear()  # measure the computation, not a cache hit
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        _answer(s, *list(s.sections.all()), q, town=engels)
    cache.clear()
    with CaptureQueriesContext(connection) as more:
        page = client.get(url)
    assert len(more) == len(few)
    assert "Сравнение групп" in page.content.decode() and "<svg" in page.content.decode()


def test_export_xlsx_and_csv_respect_anonymity(client, answered):
    boss, s, q, saratov, engels = answered
    client.force_login(boss)
    xlsx = client.get(reverse("surveys:export", args=[s.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Итоги", "Ответы"]
    raw = list(book["Ответы"].values)
    assert raw[0][:5] == ("№", "Дата", "Муниципальное образование", "Роль", "Возраст")
    assert len(raw) == 1 + 4
    names = {u.last_name for u in ResidentFactory._meta.model.objects.all()}
    flat = " ".join(str(c) for row in raw for c in row if c)
    assert not any(name in flat for name in names)
    totals = list(book["Итоги"].values)
    assert ("Всего ответов", None, None, 4, None) in totals
    text = client.get(reverse("surveys:export", args=[s.pk, "csv"]) + "?what=raw").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 5 and "Участник" not in rows[0]


def test_identified_export_names_the_participant(client):
    boss = staff()
    s, one, two, q = every_kind(boss, anonymity=Anonymity.IDENTIFIED)
    person = ResidentFactory(last_name="Соколова", first_name="Анна")
    answer_all(person, s, one, two, q)
    client.force_login(boss)
    text = client.get(reverse("surveys:export", args=[s.pk, "csv"]) + "?what=raw").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][1] == "Участник" and rows[1][1].startswith("Соколова Анна")


def test_a_resident_cannot_see_closed_results_or_export(client, answered):
    boss, s, *_ = answered
    client.force_login(ResidentFactory())
    assert client.get(reverse("surveys:results", args=[s.pk])).status_code == 403
    assert client.get(reverse("surveys:export", args=[s.pk, "xlsx"])).status_code == 403


def test_printable_report(client, answered):
    boss, s, *_ = answered
    client.force_login(boss)
    page = client.get(reverse("surveys:report", args=[s.pk]))
    assert page.status_code == 200 and "Отчёт по опросу" in page.content.decode()


def test_cached_results_follow_new_answers_and_edits(answered):
    from sosedi.surveys import services

    boss, s, q, saratov, engels = answered
    total, results = selectors.cached_results(s)
    assert total == 4
    sections = list(s.sections.all())
    _answer(s, *sections, q, town=engels)
    assert selectors.cached_results(s)[0] == 5
    services.question_update(actor=boss, question=q["single"], text="Есть ли площадка во дворе?")
    s.refresh_from_db()
    texts = [r.question.text for r in selectors.cached_results(s)[1]]
    assert "Есть ли площадка во дворе?" in texts
