"""Meetings journey: the chair calls a hybrid собрание with three items; two members check in online; the
secretary enters a paper registration and the quorum line turns to «есть» by itself on a member's phone;
members vote from a 360-px screen; the secretary enters the paper ballot; results are published; the protocol
downloads. Pages are checked with axe-core and at 360 px."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant, member
from sosedi.meetings.models import Meeting
from sosedi.territories.tests.factories import TosFactory

from .test_registry_journey import check_narrow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PASSWORD = "пароль-для-тестов"
PHONE = {"width": 360, "height": 760}


@pytest.fixture
def story():
    tos = TosFactory(name="ТОС «Липовая аллея»", residents_16plus=9)
    chair = ResidentFactory(email="chair@example.ru", first_name="Галина", last_name="Кузнецова")
    member(tos, chair)
    grant(chair, Role.CHAIR, tos=tos)
    voters = [
        member(tos, ResidentFactory(email=f"m{n}@example.ru", last_name=last, birth_date=date(1960 + n, 3, 1))).user
        for n, last in enumerate(["Семёнова", "Тихонов"])
    ]
    return tos, chair, voters


def login(browser, live_server, email, *, viewport=None, next_url="/meetings/"):
    context = browser.new_context(locale="ru-RU", viewport=viewport or {"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    return context, page


def test_hybrid_assembly_from_call_to_protocol(browser, live_server, story, shoot, assert_accessible, tmp_path):
    tos, chair, voters = story
    chair_context, chair_page = login(browser, live_server, "chair@example.ru")

    # 1. The chair records what the charter says, then calls a hybrid собрание with three items.
    chair_page.get_by_role("link", name="Собрания").first.click()
    chair_page.get_by_role("link", name=tos.name).click()
    chair_page.get_by_role("link", name="Положения устава о собраниях").click()
    chair_page.get_by_label("дистанционные участники учитываются в кворуме").check()
    chair_page.get_by_role("button", name="Сохранить").click()
    chair_page.get_by_role("link", name="Назначить собрание").click()
    chair_page.get_by_label("Формат").select_option("hybrid")
    chair_page.get_by_label("Название").fill("Собрание о благоустройстве двора")
    starts = timezone.localtime() + timedelta(days=10)
    chair_page.get_by_label("Начало").fill(starts.strftime("%Y-%m-%dT18:00"))
    chair_page.get_by_label("Место (для очного участия)").fill("Двор дома 5")
    chair_page.get_by_label("Ссылка на видеосвязь").fill("https://meet.example.ru/lipa")
    chair_page.get_by_role("button", name="Сохранить черновик").click()
    expect(chair_page.locator("h1")).to_have_text("Подготовка собрания")
    for title, question in [
        ("Отчёт совета ТОС за год", "reports"),
        ("Смета на 2027 год", "budget"),
        ("Четыре фонаря у школы", "ordinary"),
    ]:
        chair_page.locator("#item_title").fill(title)
        chair_page.locator("#item_question").select_option(question)
        chair_page.get_by_role("button", name="Добавить в повестку").click()
        expect(chair_page.locator(".messages")).to_contain_text("Вопрос добавлен")
    assert_accessible(chair_page)
    shoot(chair_page, "edit")
    meeting = Meeting.objects.get(title="Собрание о благоустройстве двора")
    chair_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    chair_page.get_by_role("button", name="Назначить и оповестить участников").click()
    expect(chair_page.locator(".messages")).to_contain_text("участники ТОС получили оповещение")
    chair_page.get_by_role("button", name="Открыть собрание").click()
    expect(chair_page.locator("#quorum")).to_contain_text("Кворума нет: 0 из 9 (0,0 %), нужно не менее 3")
    shoot(chair_page, "opened")

    # 2. Two members check in online from their phones.
    phones = []
    for voter in voters:
        context, page = login(browser, live_server, voter.email, viewport=PHONE, next_url=f"/meetings/{meeting.pk}/")
        page.get_by_role("button", name="Зарегистрироваться дистанционно").click()
        expect(page.locator(".messages")).to_contain_text("Вы зарегистрированы")
        phones.append((context, page))
    member_page = phones[0][1]
    member_page.goto(f"{live_server.url}/meetings/{meeting.pk}/pass/")  # the code to show at the door
    expect(member_page.locator(".door-code")).to_have_text(meeting.door_passes.get().code)
    check_narrow(member_page, assert_accessible, shoot, "door-pass")
    member_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    expect(member_page.locator("#quorum")).to_contain_text("Кворума нет: 2 из 9")
    check_narrow(member_page, assert_accessible, shoot, "member-registered")

    # 3. The secretary types in a paper registration; the member's quorum line turns by itself.
    chair_page.get_by_role("link", name="Стол секретаря").click()
    chair_page.locator("#paper_full_name").fill("Бумажная Вера Ивановна")
    chair_page.locator("#paper_birth_year").fill("1948")
    chair_page.locator("#paper_address").fill("ул. Липовая, 7")
    chair_page.get_by_role("button", name="Внести").click()
    expect(chair_page.locator(".messages")).to_contain_text("внесён(а) по бумажному листу")
    expect(chair_page.locator("#quorum")).to_contain_text(
        "Кворум есть: 3 из 9 (33,3 %), нужно не менее 3 — ч. 6 ст. 27 131-ФЗ"
    )
    assert_accessible(chair_page)
    shoot(chair_page, "desk")
    check_narrow(chair_page, assert_accessible, shoot, "desk")  # the secretary at the door works from a phone
    expect(member_page.locator("#quorum")).to_contain_text("Кворум есть: 3 из 9", timeout=15_000)  # no reload
    shoot(member_page, "quorum-turned")

    # 4. The first vote: members vote on their phones, the secretary enters the paper ballot.
    chair_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    item = meeting.agenda_items.get(position=1)
    chair_page.locator(f"#item-{item.pk}").get_by_role("button", name="Открыть голосование").click()
    for n, (_context, page) in enumerate(phones):
        page.reload()
        card = page.locator(f"#item-{item.pk}")
        card.get_by_label("За" if n == 0 else "Против").check()
        shoot(page, f"ballot-{n}")
        card.get_by_role("button", name="Проголосовать").click()
        expect(page.locator(".messages")).to_contain_text("Голос учтён")
    check_narrow(phones[0][1], assert_accessible, shoot, "voted")
    chair_page.get_by_role("link", name="Стол секретаря").click()
    chair_page.locator(f"#pb{item.pk}_participant").select_option(label="Бумажная Вера Ивановна")
    chair_page.locator(f"#pb{item.pk}_choice").select_option("for")
    chair_page.get_by_role("button", name="Учесть бюллетень").click()
    expect(chair_page.locator(".messages")).to_contain_text("Бюллетень Бумажная Вера Ивановна учтён")

    # 5. Close, publish, and everyone sees the result explained.
    chair_page.goto(f"{live_server.url}/meetings/{meeting.pk}/")
    chair_page.locator(f"#item-{item.pk}").get_by_role("button", name="Закрыть голосование и подсчитать").click()
    chair_page.locator(f"#item-{item.pk}").get_by_role("button", name="Опубликовать итоги").click()
    result = "Решение принято: за 2 из 3 присутствующих (66,7 %) — не менее двух третей."
    expect(chair_page.locator(f"#item-{item.pk}")).to_contain_text(result)
    phones[1][1].reload()
    expect(phones[1][1].locator(f"#item-{item.pk}")).to_contain_text(result)
    check_narrow(phones[1][1], assert_accessible, shoot, "result")
    chair_page.get_by_role("button", name="Закрыть собрание").click()
    expect(chair_page.locator(".messages")).to_contain_text("Собрание закрыто")
    shoot(chair_page, "closed")

    # 6. The protocol downloads.
    with chair_page.expect_download() as download_info:
        chair_page.get_by_role("link", name="Протокол (DOCX)").click()
    path = tmp_path / "protocol.docx"
    download_info.value.save_as(path)
    assert path.read_bytes()[:2] == b"PK"
    for context, _page in phones:
        context.close()
    chair_context.close()
