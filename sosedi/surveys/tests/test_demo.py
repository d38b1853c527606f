import pytest
from django.core.management import call_command

from sosedi.surveys import reports, selectors
from sosedi.surveys.models import Answer, Response, ResponseStatus, Survey, TestPhase

pytestmark = pytest.mark.django_db


def test_demo_tells_the_surveys_story_and_loads_once():
    call_command("load_demo")
    counts = (Survey.objects.count(), Response.objects.count(), Answer.objects.count())
    awareness = Survey.objects.get(template_key="awareness")
    assert awareness.is_open()
    total, results = selectors.survey_results(awareness)
    assert total == Response.objects.filter(survey=awareness, status=ResponseStatus.SUBMITTED).count() >= 300
    assert len(selectors.filter_values(awareness)["municipalities"]) >= 10
    # Activists know what a ТОС is far better than other residents.
    knows = next(r.question for r in results if r.question.text.startswith("Знаете ли вы"))
    _choices, rows = selectors.crosstab(awareness, knows, "role")
    share = {group: cells[0][1] for group, _whole, cells in rows}
    assert share["актив ТОС"] > share["житель"] + 30
    after = Survey.objects.get(phase=TestPhase.AFTER)
    growth = reports.growth_report(after)
    assert growth.matched == 24 and growth.mean_after > growth.mean_before and growth.improved_share > 50
    field = reports.problem_field(awareness)
    assert field.answers >= 320 and field.groups[-1].share < 20
    call_command("load_demo")
    assert (Survey.objects.count(), Response.objects.count(), Answer.objects.count()) == counts
