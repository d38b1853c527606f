"""Knowledge tests: points for correct answers, and the growth report on a known data set."""

import pytest
from django.core.exceptions import ValidationError

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.surveys import reports, services
from sosedi.surveys.models import Anonymity, SurveyKind, TestPhase

from .factories import staff, survey
from .test_services import qd

pytestmark = pytest.mark.django_db


def _test(actor, phase, before=None):
    s = survey(actor, kind=SurveyKind.TEST, phase=phase, anonymity=Anonymity.IDENTIFIED, paired_with=before)
    section = services.section_add(actor=actor, survey=s, title="Тест")
    age = services.question_add(
        actor=actor, section=section, kind="single", text="Возраст участия?", options="14\n*16\n18", points=1
    )
    rights = services.question_add(
        actor=actor, section=section, kind="multiple", text="Права ТОС?", options="*Проекты\n*Благоустройство\nНалоги",
        points=2,
    )  # fmt: skip
    services.survey_publish(actor=actor, survey=s)
    return s, section, age, rights


def _take(person, s, section, age, rights, *, age_label, rights_labels):
    data = qd(**{
        f"q{age.pk}": str(age.options.get(label=age_label).pk),
        f"q{rights.pk}": [str(rights.options.get(label=x).pk) for x in rights_labels],
    })  # fmt: skip
    services.response_save_section(actor=person, survey=s, section=section, data=data)
    return services.response_submit(actor=person, survey=s)


def test_points_only_for_fully_correct_answers():
    boss = staff()
    s, section, age, rights = _test(boss, TestPhase.BEFORE)
    full = _take(
        ResidentFactory(), s, section, age, rights, age_label="16", rights_labels=["Проекты", "Благоустройство"]
    )
    partial = _take(ResidentFactory(), s, section, age, rights, age_label="16", rights_labels=["Проекты"])
    wrong = _take(ResidentFactory(), s, section, age, rights, age_label="18", rights_labels=["Проекты", "Налоги"])
    assert (full.score, partial.score, wrong.score) == (3, 1, 0)


def test_growth_report_on_a_known_data_set():
    boss = staff()
    before = _test(boss, TestPhase.BEFORE)
    after = _test(boss, TestPhase.AFTER, before=before[0])
    anna, boris, vera, only_before = (ResidentFactory() for _ in range(4))
    both = ["Проекты", "Благоустройство"]
    # Anna 0 → 3, Boris 1 → 3, Vera 3 → 1; the fourth took only the first test and is not matched.
    _take(anna, *before, age_label="14", rights_labels=["Налоги"])
    _take(boris, *before, age_label="16", rights_labels=["Проекты"])
    _take(vera, *before, age_label="16", rights_labels=both)
    _take(only_before, *before, age_label="16", rights_labels=both)
    _take(anna, *after, age_label="16", rights_labels=both)
    _take(boris, *after, age_label="16", rights_labels=both)
    _take(vera, *after, age_label="16", rights_labels=["Налоги"])
    growth = reports.growth_report(after[0])
    assert growth.matched == 3
    assert (growth.mean_before, growth.mean_after) == (round(4 / 3, 2), round(7 / 3, 2))
    assert growth.improved_share == round(100 * 2 / 3, 1)
    assert growth.max_points == 3
    assert growth.per_question == [
        ("Возраст участия?", round(200 / 3, 1), 100.0, round(100 / 3, 1)),
        ("Права ТОС?", round(100 / 3, 1), round(200 / 3, 1), round(100 / 3, 1)),
    ]


def test_a_paired_test_must_be_identified():
    boss = staff()
    before, *_ = _test(boss, TestPhase.BEFORE)
    with pytest.raises(ValidationError) as error:
        survey(boss, kind=SurveyKind.TEST, phase=TestPhase.AFTER, paired_with=before, anonymity=Anonymity.ANONYMOUS)
    assert "anonymity" in error.value.message_dict


def test_growth_page(client):
    boss = staff()
    before = _test(boss, TestPhase.BEFORE)
    after = _test(boss, TestPhase.AFTER, before=before[0])
    person = ResidentFactory()
    _take(person, *before, age_label="14", rights_labels=["Налоги"])
    _take(person, *after, age_label="16", rights_labels=["Проекты", "Благоустройство"])
    client.force_login(boss)
    html = client.get(f"/surveys/{after[0].pk}/growth/").content.decode()
    assert "0.0 → 3.0" in html or "0,0 → 3,0" in html
    assert "100.0%" in html or "100,0%" in html
