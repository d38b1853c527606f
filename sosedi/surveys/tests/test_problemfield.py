"""The problem field: Russian lemmas, stop words, frequent terms and phrases, and the transparent classifier —
its precision on labelled Russian answers (written for this test, not taken from the demo), what staff edits
and labels change, the page and its export."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys import problemfield, reports, services
from sosedi.surveys.models import Answer, AnswerLabel, DirectionKeywords
from sosedi.territories.models import Direction

from .factories import staff, survey
from .test_services import qd

LABELLED = [
    ("Во дворе совсем темно, фонари не горят уже год", "landscaping"),
    ("Поставить лавочки у подъезда и разбить клумбу", "landscaping"),
    ("Озеленение улицы, высадить деревья и газон", "landscaping"),
    ("Благоустройство сквера возле школы", "landscaping"),
    ("Сломан забор вокруг двора, нужна покраска ограждения", "landscaping"),
    ("Нужна детская площадка с горкой и песочницей", "playgrounds"),
    ("Детям негде играть, качели разломаны", "playgrounds"),
    ("Спортивная площадка для подростков с тренажёрами", "playgrounds"),
    ("Залить каток зимой для ребятишек", "playgrounds"),
    ("Футбольное поле заросло, хотим корт", "playgrounds"),
    ("Дорогу до трассы размыло, сплошные ямы", "roads"),
    ("Положить асфальт на улице Садовой", "roads"),
    ("Тротуара нет, люди ходят по проезжей части", "roads"),
    ("Отсыпать щебнем проезд к кладбищу", "roads"),
    ("Пешеходный переход у остановки без разметки", "roads"),
    ("Зимой в квартирах холодно, батареи еле тёплые", "utilities"),
    ("Канализация засоряется каждый месяц", "utilities"),
    ("Крыша протекает, подвал затоплен", "utilities"),
    ("Управляющая компания не отвечает на жалобы", "utilities"),
    ("Провести газ в дома на нашей улице", "utilities"),
    ("Из крана течёт ржавая вода", "water"),
    ("Колонка на улице не работает второй месяц", "water"),
    ("Нужна новая скважина, вода солёная", "water"),
    ("Водопровод старый, постоянные порывы", "water"),
    ("Летом нет напора воды на втором этаже", "water"),
    ("Открыть кружки в доме культуры", "heritage"),
    ("Отремонтировать памятник героям войны", "heritage"),
    ("Провести праздник села и концерт", "heritage"),
    ("Библиотека закрывается, жалко", "heritage"),
    ("Сохранить старый храм и записать историю деревни", "heritage"),
    ("Убрать свалку у реки", "ecology"),
    ("Мусор не вывозят, контейнеры переполнены", "ecology"),
    ("Очистить берег пруда от отходов", "ecology"),
    ("Остановить вырубку леса за посёлком", "ecology"),
    ("Организовать субботник весной", "ecology"),
    ("Помочь одиноким пенсионерам с покупками", "social"),
    ("Поддержать многодетные семьи одеждой", "social"),
    ("Ветеранам нужна помощь с дровами", "social"),
    ("Инвалиду-колясочнику не выйти из дома, нужен уход", "social"),
    ("Доставка лекарств пожилым людям", "social"),
]
# Harder ones, worded without the obvious keywords: written to find where the lists fall short.
HARDER = [
    ("Грязь и лужи по колено, не пройти до магазина", "roads"),
    ("Автобус не ходит, потому что не проехать", "roads"),
    ("Малышам негде погулять", "playgrounds"),
    ("Во дворе темень, лампочки давно перегорели", "landscaping"),
    ("Из-под земли бьёт родник, а в домах сухо", "water"),
    ("Жгут листву, дышать нечем", "ecology"),
    ("Бабушке из соседнего дома некому принести продукты", "social"),
    ("В подъезде не работает домофон и воняет", "utilities"),
    ("Нечем заняться вечерами, кино бы показывали", "heritage"),
    ("Старое кладбище зарастает бурьяном", "heritage"),
]


def _classifier():
    keywords = {code: problemfield.keyword_lemmas(words) for code, words in problemfield.DEFAULT_KEYWORDS.items()}
    return problemfield.Classifier(keywords=keywords)


def test_lemmas_drop_stop_words_and_normalise_forms():
    assert problemfield.lemmas("Нет освещения во дворах, ямы на дорогах!") == ["освещение", "двор", "ям", "дорога"]
    assert problemfield.lemmas("Ёлки у реки") == problemfield.lemmas("Елки у реки")


def test_frequent_terms_and_phrases_count_answers_not_repeats():
    texts = [problemfield.lemmas(t) for t in ["Детская площадка, площадка!", "Нужна детская площадка", "Дорога"]]
    freq = problemfield.frequent(texts)
    assert dict(freq.terms)["площадка"] == 2
    assert ("детский площадка", 2) in freq.phrases


def test_precision_on_labelled_russian_answers(capsys):
    examples = LABELLED + HARDER
    precision, coverage = problemfield.precision(_classifier(), examples)
    hard_precision, hard_coverage = problemfield.precision(_classifier(), HARDER)
    with capsys.disabled():
        print(
            f"\nproblem-field classifier on {len(examples)} labelled answers: precision {precision:.2f}, "
            f"coverage {coverage:.2f}; on the {len(HARDER)} harder ones: precision {hard_precision:.2f}, "
            f"coverage {hard_coverage:.2f}"
        )
    assert precision >= 0.85
    assert coverage >= 0.75


def test_every_verdict_names_the_words_that_decided_it():
    verdict = _classifier().classify(problemfield.lemmas("Из крана течёт ржавая вода"))
    assert verdict.direction == "water" and verdict.because == ["вода"]
    assert _classifier().classify(problemfield.lemmas("Соседи не здороваются")).direction is None


def test_it_learns_from_staff_labelled_answers():
    learned = problemfield.learn(
        [(problemfield.lemmas("Бродячие собаки во дворе"), "social"), (problemfield.lemmas("Стаи собак"), "social")]
    )
    classifier = _classifier()
    assert classifier.classify(problemfield.lemmas("Опять собаки")).direction is None
    classifier.learned = learned
    verdict = classifier.classify(problemfield.lemmas("Опять собаки"))
    assert verdict.direction == "social" and verdict.because == ["собака (обучено)"]


def _survey_with_texts(actor, texts):
    s = survey(actor)
    section = services.section_add(actor=actor, survey=s, title="Проблемы")
    q = services.question_add(actor=actor, section=section, kind="text", text="Что мешает?", required=True)
    services.survey_publish(actor=actor, survey=s)
    for text in texts:
        person = ResidentFactory()
        r = services.response_save_section(actor=person, survey=s, section=section, data=qd(**{f"q{q.pk}": text}))
        services.response_submit(actor=person, survey=s, draft_key=r.draft_key)
    return s


@pytest.mark.django_db
def test_staff_keywords_and_labels_change_the_report(client):
    boss = staff()
    s = _survey_with_texts(boss, ["Бродячие собаки пугают прохожих", "Стаи собак у школы", "Ямы на дороге"])
    report = reports.problem_field(s)
    assert {g.code: g.count for g in report.groups}[None] == 2
    social = Direction.objects.get(code="social")
    client.force_login(boss)
    for answer in Answer.objects.filter(text__contains="соба"):
        page = client.post(reverse("surveys:problems", args=[s.pk]), {"answer": answer.pk, "direction": "social"})
        assert page.status_code == 302
    assert AnswerLabel.objects.filter(direction=social).count() == 2
    report = reports.problem_field(s)
    assert {g.code: g.count for g in report.groups}["social"] == 2
    # An edited keyword list replaces the default one.
    client.post(reverse("surveys:classifier"), {f"d{Direction.objects.get(code='roads').pk}": "трасса"})
    assert DirectionKeywords.objects.get(direction__code="roads").keywords == "трасса"
    assert {g.code: g.count for g in reports.problem_field(s).groups}[None] == 1


@pytest.mark.django_db
def test_problem_page_and_export(client):
    boss = staff()
    s = _survey_with_texts(boss, ["Нет воды в колонке", "Вода ржавая", "Нужна детская площадка"])
    client.force_login(boss)
    html = client.get(reverse("surveys:problems", args=[s.pk])).content.decode()
    assert "Водоснабжение: 2 (66,7%)" in html and "Проблемное поле" in html
    book = load_workbook(io.BytesIO(client.get(reverse("surveys:problems_export", args=[s.pk, "xlsx"])).content))
    assert book.sheetnames == ["Направления", "Слова", "Словосочетания"]
    rows = list(book["Направления"].values)
    assert ("Водоснабжение", 2, 66.7, "Вода ржавая") in rows


@pytest.mark.django_db
def test_residents_cannot_label_or_edit_keywords(client):
    boss = staff()
    s = _survey_with_texts(boss, ["Нет воды"])
    client.force_login(ResidentFactory())
    assert client.get(reverse("surveys:classifier")).status_code == 403
    assert client.get(reverse("surveys:problems", args=[s.pk])).status_code == 403
