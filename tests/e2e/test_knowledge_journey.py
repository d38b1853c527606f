"""Knowledge journey: staff write a template material with a DOCX attached and send it to review; the expert
publishes it; a resident on a 360-px phone searches with an inflected word, opens the material and downloads
the template; the ТОС page shows the «Что говорит закон» panel with it. Pages are checked with axe-core."""

import pytest
from django.apps import apps
from playwright.sync_api import expect

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import ResidentFactory, grant
from sosedi.knowledge.demo.documents import template_bytes
from sosedi.knowledge.models import Material, MaterialState
from sosedi.territories.tests.factories import TosFactory, saratov_region

from .test_meeting_journey import PHONE, login
from .test_registry_journey import check_narrow

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def story():
    import importlib

    # The legal topics come from a data migration, which a transactional test's flush empties.
    importlib.import_module("sosedi.knowledge.migrations.0002_postgres_search_and_topics").seed_topics(apps, None)
    staff = ResidentFactory(email="staff@example.ru", last_name="Жуковская", first_name="Лариса")
    grant(staff, Role.ASSOCIATION_STAFF, region=saratov_region())
    expert = ResidentFactory(email="expert@example.ru", last_name="Орлов", first_name="Сергей")
    grant(expert, Role.EXPERT, region=saratov_region())
    ResidentFactory(email="resident@example.ru", last_name="Попов", first_name="Алексей")
    tos = TosFactory(name="ТОС «Солнечный квартал»")
    return tos


def test_staff_publish_a_template_and_a_resident_finds_it_on_a_phone(
    browser, live_server, story, shoot, assert_accessible, tmp_path
):
    tos = story
    docx = tmp_path / "ustav-tos.docx"
    docx.write_bytes(template_bytes("charter"))

    # 1. Staff write the material and attach the template.
    staff_context, page = login(browser, live_server, "staff@example.ru", next_url="/knowledge/")
    page.get_by_role("link", name="Новый материал").click()
    page.get_by_label("Вид материала").select_option("template")
    page.get_by_label("Заголовок").fill("Устав ТОС: шаблон с шестью разделами")
    page.get_by_label("Кратко").fill("Шаблон устава по ч. 9 ст. 27 131-ФЗ: территория, цели, органы, решения.")
    page.get_by_label("Текст", exact=True).fill(
        "<p>В уставе шесть обязательных разделов; органы местного самоуправления не вправе требовать "
        "дополнительных (ч. 10 ст. 27 131-ФЗ).</p><script>alert('x')</script>"
    )
    page.get_by_label("Для муниципальных служащих").check()
    page.get_by_label("Устав ТОС").check()
    page.get_by_label("Правовые основания").fill("ч. 9, 10 ст. 27 131-ФЗ")
    page.get_by_role("button", name="Сохранить").click()
    expect(page.locator(".messages")).to_contain_text("Черновик сохранён")
    page.locator("#id_file").set_input_files(str(docx))
    page.get_by_label("Название файла для читателя").fill("Устав ТОС (шаблон).docx")
    page.get_by_role("button", name="Приложить файл").click()
    expect(page.locator(".messages")).to_contain_text("Файл приложен")
    assert_accessible(page)
    shoot(page, "staff-edit")
    page.get_by_role("button", name="Отправить на проверку").click()
    expect(page.locator(".messages")).to_contain_text("отправлен на проверку")
    material = Material.objects.get(title="Устав ТОС: шаблон с шестью разделами")
    assert material.state == MaterialState.REVIEW and "script" not in material.body
    staff_context.close()

    # 2. The expert checks it against the law and publishes it.
    expert_context, page = login(browser, live_server, "expert@example.ru", next_url="/knowledge/desk/")
    assert_accessible(page)
    shoot(page, "expert-desk")
    page.get_by_role("link", name="Устав ТОС: шаблон с шестью разделами").click()
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.locator(".messages")).to_contain_text("Материал опубликован")
    expert_context.close()

    # 3. A resident on a phone searches with an inflected word, opens the material and downloads the template.
    context, page = login(browser, live_server, "resident@example.ru", viewport=PHONE, next_url="/")
    page.get_by_role("link", name="Знания").click()
    page.get_by_label("Что ищем").fill("уставом ТОСа")
    page.get_by_role("button", name="Найти").click()
    expect(page.locator("#results")).to_contain_text("Найдено материалов: 1")
    expect(page.locator("#results mark").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    shoot(page, "search-360")
    page.get_by_role("link", name="Устав ТОС: шаблон с шестью разделами").click()
    expect(page.locator("h1")).to_have_text("Устав ТОС: шаблон с шестью разделами")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert_accessible(page)
    shoot(page, "material-360")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Устав ТОС (шаблон).docx").click()
    saved = tmp_path / "downloaded.docx"
    download_info.value.save_as(saved)
    assert saved.read_bytes()[:4] == b"PK\x03\x04" and saved.stat().st_size == docx.stat().st_size
    context.close()

    # 4. The ТОС page names the law beside the work: the panel lists the new material.
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/tos/{tos.pk}/")
    panel = page.locator(".law-panel")
    expect(panel).to_contain_text("Что говорит закон")
    expect(panel).to_contain_text("Устав ТОС: шаблон с шестью разделами")
    assert_accessible(page)
    shoot(page, "tos-law-panel")
    check_narrow(page, assert_accessible, shoot, "tos-law-panel")
    page.goto(f"{live_server.url}/knowledge/")
    assert_accessible(page)
    shoot(page, "index")
    check_narrow(page, assert_accessible, shoot, "index")
    context.close()
