"""Initiatives journey: a resident posts an idea; the ТОС chair turns it into a project; neighbours sign online
(one from a 360-px phone) and the chair types in a paper sheet, where a duplicate is refused; the project is
submitted; the official sees it on the review screen with its deadline, publishes it and, once the remarks
period is over, supports it with a budget line; the chair records the work with a photo and publishes the report.
Pages are checked with axe-core and at 360 px."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant, member
from sosedi.initiatives.models import Idea, InitiativeProject
from sosedi.initiatives.tests.factories import allow_signatures
from sosedi.territories.models import Municipality
from sosedi.territories.tests.factories import TosFactory

from .test_meeting_journey import PHONE, login
from .test_registry_journey import check_narrow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    saratov = Municipality.objects.get(name="город Саратов")
    allow_signatures(saratov, min_signatures=3)
    tos = TosFactory(name="ТОС «Липовая аллея»", municipality=saratov)
    chair = ResidentFactory(email="chair@example.ru", first_name="Галина", last_name="Кузнецова", municipality=saratov)
    member(tos, chair)
    grant(chair, Role.CHAIR, tos=tos)
    author = ResidentFactory(email="author@example.ru", first_name="Мария", last_name="Васильева", municipality=saratov)
    neighbours = [
        ResidentFactory(email=f"n{n}@example.ru", last_name=last, birth_date=date(1970 + n, 5, 1), municipality=saratov)
        for n, last in enumerate(["Семёнова", "Тихонов"])
    ]
    official = ResidentFactory(email="official@example.ru", first_name="Елена", last_name="Смирнова")
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=saratov)
    return tos, chair, author, neighbours, official


def _photo(tmp_path):
    path = tmp_path / "ploshchadka.png"
    Image.new("RGB", (640, 400), (70, 150, 90)).save(path)
    return path


def test_idea_to_reported_project(browser, live_server, story, shoot, assert_accessible, tmp_path):
    tos, chair, author, neighbours, official = story

    # 1. A resident posts an idea with a point on the map.
    context, page = login(browser, live_server, author.email, next_url="/initiatives/ideas/")
    page.get_by_role("link", name="Предложить идею").click()
    page.get_by_label("Коротко: что предлагаете").fill("Детская площадка во дворе дома 5")
    page.get_by_label("Направление").select_option(index=1)
    page.get_by_label("Муниципальное образование").select_option(label="город Саратов")
    page.get_by_label("ТОС (если знаете)").select_option(label=tos.name)
    page.get_by_label("Описание проблемы или идеи").fill(
        "Во дворе нет площадки, дети играют у дороги. Нужны горка и качели."
    )
    page.get_by_label("Фотографии (до 5)").set_input_files(str(_photo(tmp_path)))
    page.get_by_label("Широта").fill("51.531")
    page.get_by_label("Долгота").fill("46.021")
    page.get_by_role("button", name="Опубликовать идею").click()
    expect(page.locator(".messages")).to_contain_text("Идея опубликована")
    assert_accessible(page)
    shoot(page, "idea")
    check_narrow(page, assert_accessible, shoot, "idea")
    context.close()
    idea = Idea.objects.get()

    # 2. The chair turns it into a project of the ТОС bodies.
    context, page = login(browser, live_server, chair.email, next_url=f"/initiatives/ideas/{idea.pk}/")
    page.get_by_role("link", name="Сделать инициативным проектом").click()
    expect(page.get_by_label("Кто вносит проект")).to_have_value("tos_body")
    page.get_by_label("ТОС", exact=True).select_option(label=tos.name)
    page.get_by_label("2. Обоснование предложений по её решению").fill(
        "Пустырь у дома 5 — муниципальная земля, 120 м²."
    )
    page.get_by_label("3. Ожидаемый результат").fill("Площадка 120 м² с горкой, качелями и покрытием.")
    page.get_by_label("4. Предварительный расчёт расходов, руб.").fill("850000")
    page.get_by_label("5. Планируемые сроки реализации").fill("май — август 2027 года")
    page.get_by_label("6. Финансовое, имущественное и трудовое участие заинтересованных лиц").fill(
        "Инициативные платежи жителей — 42 500 ₽; субботник."
    )
    page.get_by_label("7. Средства местного бюджета (без инициативных платежей), руб.").fill("807500")
    page.get_by_label("8. Территория, на которой реализуется проект").fill("г. Саратов, двор дома 5 по ул. Липовой.")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".messages")).to_contain_text("Черновик проекта создан")
    page.get_by_role("button", name="Начать сбор поддержки").click()
    expect(page.locator(".messages")).to_contain_text("Сбор поддержки начат")
    project = InitiativeProject.objects.get()
    sheet = page.request.get(f"{live_server.url}/initiatives/{project.pk}/signature-sheet.pdf")
    assert sheet.ok and sheet.body().startswith(b"%PDF")

    # 3. Neighbours sign online, one of them from a phone.
    for n, person in enumerate(neighbours):
        viewport = PHONE if n == 1 else None
        n_context, n_page = login(
            browser, live_server, person.email, viewport=viewport, next_url=f"/initiatives/{project.pk}/"
        )
        n_page.get_by_role("button", name="Подписать в поддержку проекта").click()
        expect(n_page.locator(".messages")).to_contain_text("Ваша подпись учтена")
        if n == 1:
            assert n_page.evaluate("document.documentElement.scrollWidth") <= 360
            assert_accessible(n_page)
            shoot(n_page, "signed-360")
        n_context.close()

    # 4. The chair types in the paper sheet; a person who signed online is refused.
    page.goto(f"{live_server.url}/initiatives/{project.pk}/paper/")
    duplicate = neighbours[0]
    page.get_by_label("Фамилия, имя, отчество").fill(f"{duplicate.last_name} {duplicate.first_name}")
    page.get_by_label("Дата рождения").fill(duplicate.birth_date.isoformat())
    page.get_by_label("Адрес места жительства").fill("ул. Липовая, д. 5, кв. 3")
    page.get_by_role("button", name="Внести подпись").click()
    expect(page.locator(".errorlist")).to_contain_text("учитывается один раз")
    page.get_by_label("Фамилия, имя, отчество").fill("Абрамова Нина Петровна")
    page.get_by_label("Дата рождения").fill("1958-04-12")
    page.get_by_label("Номер листа").fill("1")
    page.get_by_role("button", name="Внести подпись").click()
    expect(page.locator(".messages")).to_contain_text("Абрамова Нина Петровна")
    assert_accessible(page)
    shoot(page, "paper")
    check_narrow(page, assert_accessible, shoot, "paper")

    # 5. Submitted to the administration: the deadlines appear.
    page.goto(f"{live_server.url}/initiatives/{project.pk}/")
    expect(page.locator("#support")).to_contain_text("онлайн — 2, по подписным листам — 1")
    page.get_by_role("button", name="Внести проект в администрацию").click()
    expect(page.locator(".messages")).to_contain_text("Проект внесён в администрацию")
    expect(page.locator("#review")).to_contain_text("Опубликовать до")
    context.close()

    # 6. The official's screen: what is due; publish.
    context, page = login(browser, live_server, official.email, next_url="/initiatives/review/")
    row = page.locator("tr", has_text=project.title)
    expect(row).to_contain_text("опубликовать")
    expect(row).to_contain_text("в срок")
    assert_accessible(page)
    shoot(page, "review")
    check_narrow(page, assert_accessible, shoot, "review")
    row.get_by_role("link", name=project.title).click()
    page.get_by_role("button", name="Опубликовать проект").click()
    expect(page.locator(".messages")).to_contain_text("Проект опубликован")
    project.refresh_from_db()
    expect(page.locator("#review")).to_contain_text(project.remarks_until.strftime("%d.%m.%Y"))

    # 7. Five working days of remarks pass (moved on the row), then the decision with a budget line.
    InitiativeProject.objects.filter(pk=project.pk).update(remarks_until=timezone.localdate() - timedelta(days=1))
    page.reload()
    page.get_by_role("link", name="Принять решение").click()
    page.get_by_label("отказать").check()
    page.get_by_label("Текст решения").fill("Отказать.")
    page.get_by_role("button", name="Принять решение").click()
    expect(page.locator(".errorlist")).to_contain_text("ч. 7 ст. 26.1")
    assert_accessible(page)
    shoot(page, "refusal-needs-ground")
    page.get_by_label("поддержать").check()
    page.get_by_label("Текст решения").fill(
        "Поддержать и продолжить работу в пределах бюджетных ассигнований 2027 года."
    )
    page.get_by_label("Строка бюджета (при поддержке)").fill("КБК 901 0503 0310120020 244")
    page.get_by_role("button", name="Принять решение").click()
    expect(page.locator(".messages")).to_contain_text("Решение принято")
    expect(page.locator("#review")).to_contain_text("КБК 901 0503")
    context.close()

    # 8. The chair builds it, with a photo, and publishes the report.
    context, page = login(browser, live_server, chair.email, next_url=f"/initiatives/{project.pk}/")
    page.get_by_role("button", name="Начать реализацию").click()
    page.locator("#id_kind").select_option("after")
    page.get_by_label("Что сделано").fill("Площадка построена и принята комиссией")
    page.get_by_label("Израсходовано на этапе, руб.").fill("835000")
    page.get_by_label("Фотография").set_input_files(str(_photo(tmp_path)))
    page.get_by_role("button", name="Добавить этап").click()
    expect(page.locator(".messages")).to_contain_text("Этап добавлен")
    page.get_by_role("button", name="Реализация завершена").click()
    expect(page.locator("#implementation")).to_contain_text("Отчёт опубликовать до")
    page.get_by_label("Отчёт об итогах").fill(
        "Площадка построена: 120 м², горка, качели, резиновое покрытие. Израсходовано 835 000 ₽ из 850 000 ₽; "
        "жители внесли 42 500 ₽ и провели субботник."
    )
    page.get_by_label("Израсходовано всего, руб.").fill("835000")
    page.get_by_role("button", name="Опубликовать отчёт").click()
    expect(page.locator(".messages")).to_contain_text("Отчёт опубликован")
    expect(page.locator(".milestone-photo")).to_be_visible()
    assert_accessible(page)
    shoot(page, "reported")
    check_narrow(page, assert_accessible, shoot, "reported")
    page.goto(f"{live_server.url}/initiatives/?status=reported")
    expect(page.locator(".meeting-list")).to_contain_text(project.title)
    shoot(page, "list")
    check_narrow(page, assert_accessible, shoot, "list")
    page.goto(f"{live_server.url}/initiatives/map/")
    page.wait_for_selector("#initiative-map .leaflet-interactive")
    expect(page.locator("main")).to_contain_text(project.title)
    assert_accessible(page)
    shoot(page, "map")
    context.close()


def test_survey_as_support_other_initiator_and_map_groups(browser, live_server, shoot, assert_accessible):
    """Where the municipal act allows a survey and names a residents' council as an initiator: the chair runs the
    yes/no survey from the project page, a ТОС member answers on a phone, the count shows on the project; the
    council is offered in the project form there only; the map groups many points when zoomed out."""
    from sosedi.core.models import RuleSet
    from sosedi.initiatives import services
    from sosedi.initiatives.tests.factories import PARTS, direction

    saratov = Municipality.objects.get(name="город Саратов")

    def r(value):
        return {"value": value, "basis": "решение Саратовской гордумы (пример)", "confidence": "V"}

    RuleSet.objects.update_or_create(
        regime="131-FZ",
        effective_from=date(2021, 1, 2),
        municipality=saratov,
        defaults={
            "title": "НПА города Саратова (пример)",
            "rules": {
                "initiative.support_methods": r(["meeting", "conference", "survey"]),
                "initiative.min_signatures": r(1),
                "initiative.other_initiators": r([{"code": "district_council", "name": "совет микрорайона"}]),
            },
        },
    )
    tos = TosFactory(name="ТОС «Липовая аллея»", municipality=saratov)
    chair = ResidentFactory(email="chair@example.ru", first_name="Галина", last_name="Кузнецова", municipality=saratov)
    member(tos, chair)
    grant(chair, Role.CHAIR, tos=tos)
    neighbour = ResidentFactory(email="n@example.ru", last_name="Семёнова", municipality=saratov)
    member(tos, neighbour)
    project = services.project_create(
        actor=chair,
        municipality=saratov,
        initiator_kind="tos_body",
        tos=tos,
        title="Освещение аллеи",
        direction=direction(),
        lat=51.53,
        lon=46.01,
        **PARTS,
    )
    services.project_open_support(actor=chair, project=project)

    # 1. The chair runs the survey of the ТОС members from the project page.
    context, page = login(browser, live_server, chair.email, next_url=f"/initiatives/{project.pk}/")
    page.get_by_label("Опрос открыт до").fill((timezone.localtime() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Провести опрос о поддержке").click()
    expect(page.locator(".messages")).to_contain_text("Опрос о поддержке проекта опубликован")
    expect(page.locator("#support-survey")).to_contain_text("дали 0 из 0")

    # 2. A member answers on a phone.
    phone_context, phone = login(browser, live_server, neighbour.email, viewport=PHONE, next_url="/surveys/")
    phone.get_by_role("link", name="Поддержка инициативного проекта «Освещение аллеи»").click()
    phone.get_by_role("link", name="Начать").click()
    phone.get_by_label("Да, поддерживаю").check()
    shoot(phone, "survey-answer-360")
    phone.get_by_role("button", name="Сохранить и перейти к отправке").click()
    phone.get_by_role("button", name="Отправить ответы").click()
    expect(phone.locator("h1")).to_have_text("Спасибо, ответы приняты")
    phone_context.close()

    # 3. The project counts the answer; with it the support is enough to submit.
    page.reload()
    expect(page.locator("#support-survey")).to_contain_text("дали 1 из 1")
    assert_accessible(page)
    shoot(page, "survey-support")
    check_narrow(page, assert_accessible, shoot, "survey-support")
    expect(page.get_by_role("button", name="Внести проект в администрацию")).to_be_visible()

    # 4. The council the act names is offered in the project form of this municipality.
    page.goto(f"{live_server.url}/initiatives/new/")
    page.get_by_label("Кто вносит проект").select_option(label="совет микрорайона")
    shoot(page, "other-initiator")

    # 5. Many ideas: the map groups them when zoomed out, and the list under it stays short.
    from sosedi.initiatives.models import Idea

    Idea.objects.bulk_create(
        Idea(
            author=neighbour,
            municipality=saratov,
            direction=direction(),
            title=f"Идея {n}",
            description="…",
            lat=51.50 + (n % 10) * 0.01,
            lon=45.95 + (n // 10) * 0.01,
        )
        for n in range(150)
    )
    asked = []
    page.on("request", lambda request: "/api/v1/initiatives/map" in request.url and asked.append(request.url))
    page.goto(f"{live_server.url}/initiatives/map/")
    page.wait_for_selector("#initiative-map .leaflet-marker-icon, #initiative-map .leaflet-interactive")
    # The map asks for fixed tiles of the base map's grid (answers shared by all visitors), not its own rectangle.
    assert asked and all("tile=" in url and "bbox=" not in url for url in asked)
    page.evaluate("window.scrollTo(0, 0)")
    page.locator("#initiative-map .leaflet-control-zoom-out").click()
    page.locator("#initiative-map .leaflet-control-zoom-out").click()
    page.wait_for_selector("#initiative-map .initiative-cluster")
    assert_accessible(page)
    shoot(page, "map-groups")
    context.close()


def test_territory_drawn_by_taps_on_a_phone(browser, live_server, shoot, assert_accessible):
    """A ТОС chair draws the project's territory with four taps at 360 px and sees it on the project page."""
    from sosedi.initiatives import services
    from sosedi.initiatives.tests.factories import PARTS, direction

    tos = TosFactory(name="ТОС «Берёзовый двор»", municipality=Municipality.objects.get(name="город Саратов"))
    chair = ResidentFactory(email="draw@example.ru", last_name="Орлова", municipality=tos.municipality)
    member(tos, chair)
    grant(chair, Role.CHAIR, tos=tos)
    project = services.project_create(
        actor=chair,
        municipality=tos.municipality,
        initiator_kind="tos_body",
        tos=tos,
        title="Скамейки во дворе",
        direction=direction(),
        lat=51.53,
        lon=46.03,
        **PARTS,
    )
    context, page = login(
        browser, live_server, chair.email, viewport=PHONE, next_url=f"/initiatives/{project.pk}/edit/"
    )
    draw = page.locator("#territory-draw")
    expect(draw).to_be_visible()
    draw.scroll_into_view_if_needed()
    box = draw.bounding_box()
    for dx, dy in ((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7), (0.5, 0.9)):
        page.mouse.click(box["x"] + box["width"] * dx, box["y"] + box["height"] * dy)
    expect(page.locator("#territory-draw-status")).to_contain_text("Точек: 5")
    page.get_by_role("button", name="Отменить точку").click()
    expect(page.locator("#territory-draw-status")).to_contain_text("Точек: 4")
    for name in ("Отменить точку", "Очистить", "Готово"):
        size = page.get_by_role("button", name=name).bounding_box()
        assert size["height"] >= 44 and size["width"] >= 44
    shoot(page, "territory-drawing-360")
    page.get_by_role("button", name="Готово").click()
    assert '"Polygon"' in page.locator("#id_territory_geojson").input_value()
    assert_accessible(page)
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".messages")).to_contain_text("Проект сохранён")
    expect(page.locator("#territory-map")).to_be_visible()
    expect(page.locator(".territory-text")).to_contain_text("многоугольник из 4 точек")
    project.refresh_from_db()
    assert project.territory_geojson["type"] == "Polygon"
    shoot(page, "territory-on-project-360")
    context.close()
