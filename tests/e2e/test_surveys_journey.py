"""Surveys journey: association staff launch the awareness survey from its template and publish it; a resident
answers it on a 360-px screen, section by section, meeting an error and a kept draft on the way; staff open the
analytics with charts, compare municipalities, download XLSX and look at the problem field; a workshop's tests
before and after give the growth report. Pages are checked with axe-core and at 360 px."""

import random
from datetime import timedelta

import pytest
from django.http import QueryDict
from django.utils import timezone
from playwright.sync_api import expect

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant, member
from sosedi.meetings import services as meetings
from sosedi.meetings.tests.factories import open_meeting
from sosedi.surveys import services
from sosedi.surveys.models import Anonymity, OptionRole, QuestionKind, Survey, SurveyKind, TestPhase
from sosedi.territories.models import Municipality, Region
from sosedi.territories.tests.factories import TosFactory

from .test_meeting_journey import PHONE, login
from .test_registry_journey import check_narrow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PROBLEMS = ["Ямы на дороге к школе", "Нет воды в колонке", "Нужна детская площадка", "Темно во дворе, нет фонарей"]


def fill(section, rng, *, municipality_index=0):
    """A plausible answer to every question of a section, as the form would post it."""
    data = QueryDict(mutable=True)
    for q in section.questions.all():
        name = f"q{q.pk}"
        choices = [o for o in q.options.all() if o.role == OptionRole.CHOICE and not o.is_other]
        if q.code == "municipality":
            data[name] = str(choices[municipality_index].pk)
        elif q.kind == QuestionKind.SINGLE:
            data[name] = str(choices[0 if rng.random() < 0.6 else 1].pk)
        elif q.kind == QuestionKind.MULTIPLE:
            data[name] = str(rng.choice(choices).pk)
        elif q.kind == QuestionKind.SCALE:
            data[name] = str(rng.randint(2, 5))
        elif q.kind == QuestionKind.NUMBER:
            data[name] = str(rng.randint(1, 40))
        elif q.kind == QuestionKind.DATE:
            data[name] = "2025-05-01"
        elif q.kind == QuestionKind.TEXT:
            data[name] = rng.choice(PROBLEMS)
        elif q.kind == QuestionKind.MATRIX:
            for row in (o for o in q.options.all() if o.role == OptionRole.ROW):
                data[f"{name}_r{row.pk}"] = str(rng.choice(choices).pk)
        elif q.kind == QuestionKind.RANKING:
            for rank, option in enumerate(choices, start=1):
                data[f"{name}_o{option.pk}"] = str(rank)
    return data


def answer_as(person, survey, rng, municipality_index):
    key = None
    for section in survey.sections.prefetch_related("questions__options"):
        data = fill(section, rng, municipality_index=municipality_index)
        draft = services.response_save_section(actor=person, survey=survey, section=section, data=data, draft_key=key)
        key = draft.draft_key
    services.response_submit(actor=person, survey=survey, draft_key=key)


@pytest.fixture
def people():
    staff = ResidentFactory(email="staff@example.ru", first_name="Лариса", last_name="Жуковская")
    grant(staff, Role.ASSOCIATION_STAFF, region=Region.objects.get(code="64"))
    saratov = Municipality.objects.get(name="город Саратов")
    resident = ResidentFactory(
        email="resident@example.ru", first_name="Ольга", last_name="Белова", municipality=saratov
    )
    return staff, resident


def workshop_pair(staff):
    """The 131-ФЗ test before and after a workshop, taken by three participants who learnt something."""
    now = timezone.now()
    common = {"kind": SurveyKind.TEST, "anonymity": Anonymity.IDENTIFIED, "opens_at": now - timedelta(hours=1)}
    before = services.survey_from_template(
        actor=staff, key="law_test", title="Тест до ТОСоПозитива", phase=TestPhase.BEFORE, **common
    )
    after = services.survey_from_template(
        actor=staff,
        key="law_test",
        title="Тест после ТОСоПозитива",
        phase=TestPhase.AFTER,
        paired_with=before,
        **common,
    )
    for survey in (before, after):
        services.survey_publish(actor=staff, survey=survey)
    for n in range(3):
        person = ResidentFactory()
        for survey, correct_share in ((before, 0.3 + n * 0.1), (after, 0.8 + n * 0.1)):
            key = None
            for section in survey.sections.prefetch_related("questions__options"):
                data = QueryDict(mutable=True)
                for i, q in enumerate(section.questions.all()):
                    options = list(q.options.all())
                    right = [o for o in options if o.is_correct]
                    wrong = [o for o in options if not o.is_correct]
                    picks = right if (i + n) / 7 < correct_share else wrong[:1]
                    for o in picks:
                        data.appendlist(f"q{q.pk}", str(o.pk))
                key = services.response_save_section(
                    actor=person, survey=survey, section=section, data=data, draft_key=key
                ).draft_key
            services.response_submit(actor=person, survey=survey, draft_key=key)
    return after


def test_awareness_survey_from_template_to_analytics(browser, live_server, people, shoot, assert_accessible):
    staff, resident = people
    staff_context, page = login(browser, live_server, "staff@example.ru", next_url="/surveys/")

    # 1. Staff launch the awareness survey from its template and publish it.
    page.get_by_role("link", name="Создать опрос").click()
    page.locator("#id_t-template").select_option("awareness")
    page.get_by_role("button", name="Создать из шаблона").click()
    expect(page.locator("h1")).to_have_text("Конструктор опроса")
    assert_accessible(page)
    shoot(page, "builder")
    check_narrow(page, assert_accessible, shoot, "builder")
    page.get_by_role("link", name="Предпросмотр").click()
    expect(page.get_by_text("Предпросмотр: так участники увидят раздел")).to_be_visible()
    page.go_back()
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_text("Опрос опубликован")).to_be_visible()
    survey = Survey.objects.get(template_key="awareness")

    # Others have answered already (their answers go through the same services).
    rng = random.Random(5)
    for n in range(12):
        answer_as(ResidentFactory(), survey, rng, municipality_index=[0, 5, 5, 9][n % 4])

    # 2. A resident answers on a phone, one screen per section.
    phone_context, phone = login(browser, live_server, "resident@example.ru", viewport=PHONE, next_url="/surveys/")
    phone.get_by_role("link", name=survey.title).click()
    phone.get_by_role("link", name="Начать").click()
    expect(phone.get_by_text("Раздел 1 из 6")).to_be_visible()
    phone.get_by_label("Ваш муниципальный район или городской округ").select_option(label="город Саратов")
    phone.locator("fieldset", has_text="Ваш возраст").get_by_label("30–44").check()
    phone.get_by_role("button", name="Сохранить и дальше").click()
    # A required question left empty: the error sits on it, and what was chosen stays chosen.
    expect(phone.get_by_text("Ответьте на этот вопрос.")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "answer-error-360")
    expect(phone.locator("fieldset", has_text="Ваш возраст").get_by_label("30–44")).to_be_checked()
    phone.locator("fieldset", has_text="Кто вы в местной жизни").get_by_label("участник ТОС").check()
    phone.get_by_role("button", name="Сохранить и дальше").click()
    expect(phone.get_by_text("Раздел 2 из 6")).to_be_visible()
    # The connection drops here; later the person comes back and continues where they stopped.
    phone.goto(f"{live_server.url}/surveys/{survey.pk}/")
    phone.get_by_role("link", name="Продолжить с сохранённого места").click()
    expect(phone.locator("fieldset", has_text="Ваш возраст").get_by_label("30–44")).to_be_checked()
    phone.get_by_role("button", name="Сохранить и дальше").click()
    phone.locator("fieldset", has_text="Знаете ли вы").get_by_label("Да, хорошо знаю").check()
    phone.locator("fieldset", has_text="Что, по-вашему").get_by_label(
        "Вносить инициативные проекты в администрацию"
    ).check()
    phone.locator("fieldset", has_text="Оцените").get_by_label("4").check()
    check_narrow(phone, assert_accessible, shoot, "answer-section2")
    phone.get_by_role("button", name="Сохранить и дальше").click()
    phone.locator("fieldset", has_text="Слышали ли вы").get_by_label("Да, слышал(а)").check()
    phone.locator("fieldset", has_text="В какой срок").get_by_label("30 дней").check()
    phone.get_by_role("button", name="Сохранить и дальше").click()
    phone.locator("fieldset", has_text="через интернет").get_by_label("Нет, но хотел(а) бы").check()
    phone.locator("fieldset", has_text="Что мешает").get_by_label("Не знаю, куда обратиться").check()
    phone.get_by_role("button", name="Сохранить и дальше").click()
    shoot(phone, "answer-matrix-360")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="Сохранить и дальше").click()
    phone.get_by_label("Ваш ответ").first.fill("Нет освещения на улице Рабочей, вечером темно")
    phone.get_by_role("button", name="Сохранить и перейти к отправке").click()
    expect(phone.locator("h1")).to_have_text("Всё готово к отправке")
    phone.get_by_role("button", name="Отправить ответы").click()
    expect(phone.locator("h1")).to_have_text("Спасибо, ответы приняты")
    shoot(phone, "thanks-360")
    phone_context.close()

    # 3. Staff open the analytics: charts, cross-tab by municipality, XLSX.
    page.goto(f"{live_server.url}/surveys/{survey.pk}/results/")
    expect(page.get_by_text("13 ответов всего")).to_be_visible()
    assert page.locator("svg.chart").count() >= 10
    page.get_by_label("Группы").select_option("municipality")
    page.get_by_role("button", name="Сравнить").click()
    expect(page.locator("caption")).to_contain_text("муниципальное образование")
    expect(page.locator("table").first.get_by_role("rowheader", name="город Саратов")).to_be_visible()
    assert_accessible(page)
    shoot(page, "results")
    check_narrow(page, assert_accessible, shoot, "results")
    with page.expect_download() as download:
        page.get_by_role("link", name="Скачать XLSX").click()
    assert download.value.suggested_filename == f"survey-{survey.pk}.xlsx"
    page.get_by_role("link", name="Проблемное поле").click()
    expect(page.get_by_role("heading", name="Ремонт дорог и тротуаров", exact=False)).to_be_visible()
    shoot(page, "problem-field")

    # 4. The workshop's tests before and after give the growth report.
    after = workshop_pair(staff)
    page.goto(f"{live_server.url}/surveys/{after.pk}/results/")
    page.get_by_role("link", name="Рост знаний").click()
    expect(page.locator("h1")).to_have_text("Рост знаний участников")
    expect(page.get_by_text("прошли оба теста")).to_be_visible()
    assert_accessible(page)
    shoot(page, "growth")
    check_narrow(page, assert_accessible, shoot, "growth")
    staff_context.close()


def test_a_workshop_test_goes_to_those_registered_at_the_meeting(browser, live_server, shoot, assert_accessible):
    """A ТОС chair addresses the 131-ФЗ test to the participants of the ТОС's workshop (a meeting): a participant
    registered at it answers on a phone; a member of the same ТОС who did not come is told the test is not theirs."""
    tos = TosFactory(name="Волжский", residents_16plus=40)
    chair = ResidentFactory(email="chair@example.ru", first_name="Галина", last_name="Кузнецова")
    member(tos, chair)
    grant(chair, Role.CHAIR, tos=tos)
    workshop = open_meeting(tos, chair)
    there = ResidentFactory(email="there@example.ru", first_name="Ирина", last_name="Пришедшая")
    member(tos, there)
    meetings.check_in_remote(actor=there, meeting=workshop)
    absent = ResidentFactory(email="absent@example.ru", first_name="Олег", last_name="Неявкин")
    member(tos, absent)

    context, page = login(browser, live_server, "chair@example.ru", next_url="/surveys/")
    page.goto(f"{live_server.url}/surveys/new/?tos={tos.pk}")
    expect(page.locator("h1")).to_contain_text("Новый опрос")
    page.locator("#id_t-template").select_option("law_test")
    page.get_by_role("button", name="Создать из шаблона").click()
    expect(page.locator("h1")).to_have_text("Конструктор опроса")
    page.locator("#id_s-audience").select_option("meeting")
    page.locator("#id_s-audience_meeting").select_option(str(workshop.pk))
    page.get_by_role("button", name="Сохранить настройки").click()
    expect(page.get_by_text("Настройки сохранены")).to_be_visible()
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_text("Опрос опубликован")).to_be_visible()
    survey = Survey.objects.get(template_key="law_test")
    assert survey.audience_meeting == workshop
    shoot(page, "meeting-audience-builder")
    context.close()

    phone_context, phone = login(browser, live_server, "there@example.ru", viewport=PHONE, next_url="/surveys/")
    phone.get_by_role("link", name=survey.title).click()
    expect(phone.get_by_text(f"«{workshop.title}»")).to_be_visible()
    phone.get_by_role("link", name="Начать").click()
    count = survey.sections.count()
    for button in ["Сохранить и дальше"] * (count - 1) + ["Сохранить и перейти к отправке"]:
        # The first option of every question (single choice: a radio group; multiple: a set of checkboxes).
        inputs = "input[type=radio], input[type=checkbox]"
        for name in phone.eval_on_selector_all(inputs, "els => [...new Set(els.map(e => e.name))]"):
            phone.locator(f"input[name='{name}']").first.check()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.get_by_role("button", name=button).click()
    phone.get_by_role("button", name="Отправить ответы").click()
    expect(phone.locator("h1")).to_have_text("Спасибо, ответы приняты")
    assert_accessible(phone)
    shoot(phone, "meeting-audience-thanks-360")
    phone_context.close()

    other_context, other = login(browser, live_server, "absent@example.ru", viewport=PHONE, next_url="/surveys/")
    other.goto(f"{live_server.url}/surveys/{survey.pk}/answer/1/")
    expect(other.get_by_role("status")).to_contain_text("Этот опрос адресован другому кругу участников.")
    shoot(other, "meeting-audience-not-theirs-360")
    other_context.close()
