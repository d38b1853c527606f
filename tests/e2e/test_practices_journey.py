"""Best-practice journey: the chair of a ТОС whose project is built and reported proposes it to the catalogue
(the form is prefilled from the report); the association's staff accept it; a visitor on a 360-px phone finds
it in «Практики» by direction and opens it. Pages are checked with axe-core."""

import pytest
from playwright.sync_api import expect

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant, member
from sosedi.notifications.models import Notification
from sosedi.practices.models import Practice, PracticeState
from sosedi.practices.tests.factories import reported_project
from sosedi.territories.tests.factories import TosFactory, saratov_region

from .test_meeting_journey import PHONE, login
from .test_registry_journey import check_narrow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    tos = TosFactory(name="ТОС «Привокзальный»")
    chair = ResidentFactory(email="chair@example.ru", last_name="Кузнецова", first_name="Галина")
    member(tos, chair)
    grant(chair, Role.CHAIR, tos=tos)
    staff = ResidentFactory(email="staff@example.ru", last_name="Жуковская", first_name="Лариса")
    grant(staff, Role.ASSOCIATION_STAFF, region=saratov_region())
    return reported_project(tos, chair, title="Цветники на Привокзальной площади")


def test_chair_proposes_staff_accept_and_a_visitor_finds_it_on_a_phone(
    browser, live_server, story, shoot, assert_accessible
):
    project = story
    # 1. The chair proposes the reported project; the summary is already drafted from the report.
    context, page = login(browser, live_server, "chair@example.ru", next_url=project.get_absolute_url())
    page.get_by_role("link", name="Предложить в каталог лучших практик").click()
    expect(page.get_by_label("Что сделано, какой результат, сколько стоило, кто участвовал")).to_contain_text(
        "Площадка построена"
    )
    page.get_by_label("Что сделано, какой результат, сколько стоило, кто участвовал").fill("Мало.")
    page.get_by_role("button", name="Предложить").click()
    expect(page.locator(".field-error")).to_contain_text("Опишите практику")
    page.get_by_label("Что сделано, какой результат, сколько стоило, кто участвовал").fill(
        "Разбили цветники на 600 м²: 1 200 растений, газон 450 м². Стоило 480 000 ₽, из них 22 500 ₽ — "
        "инициативные платежи жителей; два субботника, 40 участников."
    )
    assert_accessible(page)
    check_narrow(page, assert_accessible, shoot, "propose")
    page.get_by_role("button", name="Предложить").click()
    expect(page.locator(".messages")).to_contain_text("Практика предложена")
    expect(page.locator("#implementation")).to_contain_text("предложен в каталог лучших практик: предложена")
    context.close()

    # 2. Staff try to decline without a reason, then accept.
    context, page = login(browser, live_server, "staff@example.ru", next_url="/practices/review/")
    page.get_by_label("Отклонить").check()
    page.get_by_role("button", name="Сохранить решение").click()
    expect(page.locator(".field-error")).to_contain_text("Укажите причину отказа")
    check_narrow(page, assert_accessible, shoot, "review")
    page.get_by_label("Включить в каталог").check()
    page.get_by_role("button", name="Сохранить решение").click()
    expect(page.locator(".messages")).to_contain_text("Решение сохранено")
    context.close()
    assert Practice.objects.get().state == PracticeState.ACCEPTED
    assert Notification.objects.filter(user=project.created_by, kind="practices.accepted").exists()

    # 3. A visitor on a phone opens «Практики», filters by the direction and reads the practice.
    context = browser.new_context(locale="ru-RU", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_role("navigation", name="Основная навигация").get_by_role("link", name="Практики").click()
    page.get_by_label("Направление").select_option(project.direction.code)
    page.get_by_role("button", name="Показать").click()
    expect(page.locator(".count")).to_contain_text("Практик: 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    shoot(page, "visitor-catalogue-360")
    page.get_by_role("link", name="Цветники на Привокзальной площади").click()
    expect(page.locator("main")).to_contain_text("22 500 ₽")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    shoot(page, "visitor-detail-360")
    context.close()


def test_after_a_decline_the_chair_reads_the_reason_and_proposes_again_on_a_phone(
    browser, live_server, story, shoot, assert_accessible
):
    from sosedi.accounts.models import User
    from sosedi.practices import services

    project = story
    proposed = services.practice_propose(
        actor=project.created_by, project=project, summary="Разбили цветники у вокзала силами жителей, два субботника."
    )
    services.practice_decide(
        actor=User.objects.get(email="staff@example.ru"),
        practice=proposed,
        accept=False,
        reason="Нет цифр: сколько стоило?",
    )
    context, page = login(browser, live_server, "chair@example.ru", viewport=PHONE, next_url=project.get_absolute_url())
    expect(page.locator("#practice-declined")).to_contain_text("Причина: Нет цифр: сколько стоило?")
    page.get_by_role("link", name="Предложить снова").click()
    expect(page.locator("main")).to_contain_text("Нет цифр: сколько стоило?")
    summary = page.get_by_label("Что сделано, какой результат, сколько стоило, кто участвовал")
    expect(summary).to_contain_text("два субботника")
    summary.fill("Разбили цветники на 600 м² у вокзала: 480 000 ₽, из них 22 500 ₽ — платежи жителей; 40 участников.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    shoot(page, "propose-again-360")
    page.get_by_role("button", name="Предложить снова").click()
    expect(page.locator("#implementation")).to_contain_text("предложен в каталог лучших практик: предложена")
    context.close()
    proposed.refresh_from_db()
    assert proposed.state == PracticeState.PROPOSED and "22 500 ₽" in proposed.summary
    assert Practice.objects.count() == 1
