"""Foundation journey: a visitor finds a ТОС on the map by clicking inside it, signs up, asks to join; the
chair confirms; the member sees the ТОС as theirs. Every page is checked with axe-core and at 360 px."""

from datetime import date

import pytest
from playwright.sync_api import expect

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.territories.models import Membership
from sosedi.territories.tests.factories import TosFactory, square

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LAT, LON = 51.5300, 46.0200


@pytest.fixture
def story():
    tos = TosFactory(
        name="ТОС «Липовая аллея»",
        boundary=square(LON - 0.004, LAT - 0.003, 0.008),
        territory_description="ул. Липовая, дома 1–30",
    )
    TosFactory(name="ТОС «Соседний»", boundary=square(LON + 0.02, LAT, 0.005))
    chair = UserFactory(email="chair@example.ru", first_name="Галина", last_name="Кузнецова")
    Membership.objects.create(tos=tos, user=chair, status="active", address="ул. Липовая, 1")
    grant(chair, Role.CHAIR, tos=tos)
    return tos, chair


def check_narrow(page, assert_accessible, shoot, name):
    """The same page on a cheap phone: nothing sideways, still accessible."""
    size = page.viewport_size
    page.set_viewport_size({"width": 360, "height": 760})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name}: horizontal scroll at 360 px"
    assert_accessible(page)
    shoot(page, f"{name}-360")
    page.set_viewport_size(size)


def test_visitor_finds_joins_and_chair_confirms(
    browser, page, live_server, story, shoot, assert_accessible, no_external_requests
):
    tos, chair = story

    # 1. The map: zoom to the street and click inside the boundary.
    page.goto(f"{live_server.url}/tos/map/")
    page.wait_for_function("window.sosediMap !== undefined")
    page.evaluate(f"window.sosediMap.setView([{LAT}, {LON}], 16)")
    # The exact text of the zoomed-in load: the first, region-wide load can also count one ТОС (drawn as a
    # point, «…Приблизьте…»), and clicking while the polygons replace it misses the layer.
    expect(page.locator("#map-status")).to_have_text("На карте ТОС: 1.")
    assert_accessible(page)
    shoot(page, "map")
    box = page.locator("#region-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup_link = page.locator(".leaflet-popup-content a", has_text="ТОС «Липовая аллея»")
    expect(popup_link).to_be_visible()
    shoot(page, "map-popup")
    popup_link.click()

    # 2. The ТОС page: facts, the law, and an invitation to join.
    expect(page.locator("h1")).to_have_text("ТОС «Липовая аллея»")
    expect(page.locator("main")).to_contain_text("ч. 5 ст. 27 131-ФЗ")
    assert_accessible(page)
    shoot(page, "tos-page")
    check_narrow(page, assert_accessible, shoot, "tos-page")
    page.get_by_role("link", name="Зарегистрируйтесь").click()

    # 3. Sign-up: first a mistake, answered next to the field; then the real thing.
    page.locator("#id_email").fill("zhitel@example.ru")
    page.locator("#id_password1").fill("Липа-2026-весна")
    page.locator("#id_password2").fill("другой-пароль")
    page.get_by_role("button", name="Зарегистрироваться").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    shoot(page, "signup-errors")
    check_narrow(page, assert_accessible, shoot, "signup-errors")
    page.locator("#id_password1").fill("Липа-2026-весна")
    page.locator("#id_password2").fill("Липа-2026-весна")
    page.locator("#id_last_name").fill("Васильева")
    page.locator("#id_first_name").fill("Мария")
    page.locator("#id_birth_date").fill(date(1990, 5, 17).isoformat())
    page.locator("#id_address").fill("г. Саратов, ул. Липовая, д. 12, кв. 3")
    page.locator("#id_municipality").select_option(label="город Саратов")
    page.locator("#id_consent_processing").check()
    page.get_by_role("button", name="Зарегистрироваться").click()
    errors = page.locator(".errorlist").all_inner_texts()
    assert not errors, errors
    expect(page.locator("h1")).to_contain_text("Профиль")
    assert_accessible(page)

    # 4. Ask to join.
    page.goto(f"{live_server.url}/tos/{tos.pk}/")
    page.get_by_label("Ваш адрес на территории ТОС").fill("ул. Липовая, д. 12, кв. 3")
    page.get_by_role("button", name="Подать заявку на вступление").click()
    expect(page.locator("main")).to_contain_text("ждёт решения председателя")
    shoot(page, "request-sent")
    assert Membership.objects.get(user__email="zhitel@example.ru").status == "requested"

    # 5. The chair, in another browser, confirms residence.
    chair_context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    chair_page = chair_context.new_page()
    chair_page.goto(f"{live_server.url}/accounts/login/?next=/tos/{tos.pk}/")
    chair_page.locator("#id_username").fill("chair@example.ru")
    chair_page.locator("#id_password").fill("пароль-для-тестов")
    chair_page.get_by_role("button", name="Войти").click()
    chair_page.get_by_role("link", name="Заявки на вступление: 1").click()
    expect(chair_page.locator("main")).to_contain_text("ул. Липовая, д. 12, кв. 3")
    assert_accessible(chair_page)
    shoot(chair_page, "chair-pending")
    check_narrow(chair_page, assert_accessible, shoot, "chair-pending")
    chair_page.get_by_role("button", name="Подтвердить проживание и принять").click()
    expect(chair_page.locator("main")).to_contain_text("Новых заявок нет")
    chair_context.close()

    # 6. The resident now sees the ТОС as theirs, and was notified.
    page.goto(f"{live_server.url}/tos/{tos.pk}/")
    expect(page.locator("main")).to_contain_text("Вы участник этого ТОС")
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.locator("main")).to_contain_text("ТОС «Липовая аллея»")
    shoot(page, "profile-member")
    expect(page.locator(".badge")).to_be_visible()
    page.goto(f"{live_server.url}/notifications/")
    assert_accessible(page)
    shoot(page, "notifications")
    assert Membership.objects.get(user__email="zhitel@example.ru").status == "active"
    assert no_external_requests == []


def test_find_my_tos_by_clicking_the_map(page, live_server, story, shoot, assert_accessible):
    tos, _ = story
    page.goto(f"{live_server.url}/tos/find/")
    assert_accessible(page)
    page.wait_for_function("window.sosediMap !== undefined")
    page.evaluate(f"window.sosediMap.setView([{LAT}, {LON}], 16)")
    page.wait_for_timeout(300)
    box = page.locator("#find-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**/tos/find/?lat=*")
    expect(page.locator("#find-results")).to_contain_text("ТОС «Липовая аллея»")
    # The chosen point and the ТОС around it are drawn on the result map.
    expect(page.locator("#find-map path.leaflet-interactive").first).to_be_visible()
    shoot(page, "find-result")
    check_narrow(page, assert_accessible, shoot, "find-result")


def test_registry_filters_without_javascript(browser, live_server, story, shoot):
    context = browser.new_context(java_script_enabled=False, locale="ru-RU", viewport={"width": 360, "height": 760})
    page = context.new_page()
    page.goto(f"{live_server.url}/tos/")
    page.get_by_label("Поиск").fill("липовая")
    page.get_by_role("button", name="Показать").click()
    expect(page.locator("#results")).to_contain_text("Найдено ТОС: 1")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(page, "registry-nojs-360")
    context.close()
