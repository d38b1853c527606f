import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sosedi.accounts.tests.factories import ResidentFactory
from sosedi.knowledge import services
from sosedi.knowledge.demo.documents import template_bytes
from sosedi.knowledge.models import Material, MaterialState, Question, Topic
from sosedi.territories.tests.factories import TosFactory

from .factories import draft, editor, published, reviewer

pytestmark = pytest.mark.django_db


def test_staff_write_attach_and_submit_expert_publishes_through_the_pages(client):
    staff, expert = editor(), reviewer()
    client.force_login(staff)
    response = client.post(
        reverse("knowledge:create"),
        {
            "kind": "template",
            "title": "Устав ТОС (шаблон)",
            "summary": "Шесть разделов.",
            "body": '<p>Скачайте <a href="javascript:alert(1)">шаблон</a>.</p>',
            "for_activists": "on",
            "scope": "federal",
            "legal_refs": "ч. 9 ст. 27 131-ФЗ",
            "topics": [Topic.objects.get(code="tos-charter").pk],
        },
    )
    m = Material.objects.get(title="Устав ТОС (шаблон)")
    assert response.status_code == 302 and response.url == reverse("knowledge:edit", args=[m.slug])
    assert "javascript" not in m.body
    upload = SimpleUploadedFile("ustav.docx", template_bytes("charter"))
    assert client.post(reverse("knowledge:attachment_add", args=[m.slug]), {"file": upload}).status_code == 302
    bad = client.post(reverse("knowledge:attachment_add", args=[m.slug]), {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400 and "Такой файл не принимается" in bad.content.decode()
    client.post(reverse("knowledge:action", args=[m.slug, "submit"]))
    m.refresh_from_db()
    assert m.state == MaterialState.REVIEW
    # A draft is not for readers.
    client.logout()
    assert client.get(reverse("knowledge:material", args=[m.slug])).status_code == 404
    client.force_login(expert)
    page = client.get(reverse("knowledge:edit", args=[m.slug])).content.decode()
    assert "Опубликовать" in page and "Вернуть автору" in page
    response = client.post(reverse("knowledge:action", args=[m.slug, "publish"]))
    assert response.status_code == 302 and response.url == m.get_absolute_url()
    client.logout()
    public = client.get(m.get_absolute_url()).content.decode()
    assert "Скачать шаблон" in public and "ustav" in public and "ч. 9 ст. 27 131-ФЗ" in public


def test_form_errors_are_shown_next_to_fields(client):
    client.force_login(editor())
    blank = client.post(reverse("knowledge:create"), {"kind": "article", "title": " ", "scope": "federal"})
    assert 'id="id_title_error"' in blank.content.decode()
    page = client.post(reverse("knowledge:create"), {"kind": "article", "title": "Сроки", "scope": "municipality"})
    html = page.content.decode()
    assert page.status_code == 200 and Material.objects.count() == 0
    assert 'id="id_for_residents_error"' in html and "Выберите хотя бы одну аудиторию." in html
    assert "Укажите муниципальное образование" in html


def test_search_page_shows_highlighted_results_facets_and_registry(client):
    published(title="Кворум собрания", body="<p>Не менее трети жителей.</p>")
    TosFactory(name="ТОС «Кворумный двор»")
    page = client.get(reverse("knowledge:index"), {"q": "кворумом"}).content.decode()
    assert "Найдено материалов: 1" in page and "<mark>" not in page.split("Кворум собрания")[0][-50:]
    assert "Статья (1)" in page and "ТОС в реестре" in page and "Кворумный двор" in page
    empty = client.get(reverse("knowledge:index"), {"q": "а и"}).content.decode()
    assert "нет слов, по которым можно искать" in empty
    hostile = client.get(reverse("knowledge:index"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in hostile
    assert client.get(reverse("knowledge:index"), {"q": "х" * 10_000}).status_code == 200
    fragment = client.get(reverse("knowledge:index"), {"q": "кворум"}, headers={"HX-Request": "true"})
    assert fragment.content.decode().lstrip().startswith('<section id="results"')


def test_outdated_material_warns_readers(client):
    m = published(title="Сроки рассмотрения проекта")
    services.material_mark_outdated(actor=reviewer(), material=m, reason="Статья изменена 33-ФЗ.")
    page = client.get(m.get_absolute_url()).content.decode()
    assert "Устарело." in page and "Статья изменена 33-ФЗ." in page


def test_history_shows_the_difference_between_versions(client):
    m = published(title="Устав", body="<p>Шесть разделов.</p>")
    services.material_update(actor=m.created_by, material=m, body="<p>Шесть обязательных разделов.</p>")
    client.force_login(m.created_by)
    page = client.get(reverse("knowledge:history", args=[m.slug])).content.decode()
    assert 'class="diff-del"' in page and 'class="diff-add"' in page and "Шесть обязательных разделов." in page
    client.force_login(ResidentFactory())
    assert client.get(reverse("knowledge:history", args=[m.slug])).status_code == 403
    # Readers still see version 1 while version 2 waits.
    client.logout()
    assert "Шесть разделов." in client.get(m.get_absolute_url()).content.decode()


def test_resident_asks_and_staff_answer_from_the_desk(client):
    resident, staff = ResidentFactory(), editor()
    assert client.get(reverse("knowledge:questions")).status_code == 302  # sign in first
    client.force_login(resident)
    short = client.post(reverse("knowledge:questions"), {"text": "Как?"}).content.decode()
    assert "Опишите вопрос подробнее" in short
    client.post(reverse("knowledge:questions"), {"text": "Можно ли ТОСу открыть счёт в банке?"})
    q = Question.objects.get()
    assert client.get(reverse("knowledge:answer", args=[q.pk])).status_code == 403
    client.force_login(staff)
    assert "Можно ли ТОСу открыть счёт" in client.get(reverse("knowledge:desk")).content.decode()
    client.post(reverse("knowledge:answer", args=[q.pk]), {"answer": "Только если ТОС — юридическое лицо."})
    client.force_login(resident)
    assert "Только если ТОС — юридическое лицо." in client.get(reverse("knowledge:questions")).content.decode()


def test_tos_page_shows_the_law_panel_and_refreshes_after_publication(client):
    tos = TosFactory()
    url = reverse("territories:tos_detail", args=[tos.pk])
    assert "Что говорит закон" not in client.get(url).content.decode()
    charter = Topic.objects.get(code="tos-charter")
    published(title="Устав ТОС: шесть разделов", topics=[charter], legal_refs="ч. 9 ст. 27 131-ФЗ")
    draft(title="Черновик про устав", topics=[charter])
    page = client.get(url).content.decode()  # the cached anonymous page is refreshed by the publication
    assert "Что говорит закон" in page and "Устав ТОС: шесть разделов" in page and "Черновик" not in page


def _count(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    return len(ctx.captured_queries)


def test_list_and_search_pages_queries_do_not_grow(client):
    author, checker = editor(), reviewer()
    for n in range(2):
        published(author, checker, title=f"Собрание {n}", body="<p>Кворум.</p>")
    url = reverse("knowledge:index")
    client.get(url)
    client.get(url, {"q": "собрание"})  # warm per-process memos
    few_list, few_search = _count(client, url), _count(client, url, q="собрание")
    for n in range(10):
        published(author, checker, title=f"Ещё собрание {n}", body="<p>Кворум.</p>")
    assert _count(client, url) == few_list
    assert _count(client, url, q="собрание") == few_search


def test_meetings_list_shows_the_law_on_quorum(client):
    quorum = Topic.objects.get(code="quorum")
    published(title="Кворум собрания и конференции", topics=[quorum], legal_refs="ч. 6 ст. 27 131-ФЗ")
    page = client.get(reverse("meetings:list")).content.decode()
    assert "Что говорит закон" in page and "Кворум собрания и конференции" in page


def test_initiative_pages_show_the_law_on_initiative_projects(client):
    from sosedi.initiatives.tests.factories import tos_project, tos_with_chair

    review = Topic.objects.get(code="initiative-review")
    published(title="Как администрация рассматривает проект", topics=[review], legal_refs="ч. 6 ст. 26.1 131-ФЗ")
    draft(title="Черновик о рассмотрении", topics=[review])
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    client.force_login(chair)
    for url in (reverse("initiatives:list"), project.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Что говорит закон" in page and "Как администрация рассматривает проект" in page, url
        assert "ч. 6 ст. 26.1 131-ФЗ" in page and "Черновик о рассмотрении" not in page, url


def test_search_shows_public_initiative_projects_beside_materials(client):
    from sosedi.initiatives import services as initiative_services
    from sosedi.initiatives.tests.factories import allow_signatures, tos_project, tos_with_chair

    allow_signatures()
    tos, chair = tos_with_chair()
    shown = tos_project(tos, chair, title="Детская площадка во дворе")
    initiative_services.project_open_support(actor=chair, project=shown)
    tos_project(tos, chair, title="Площадка для черновика")  # a draft: its initiators' business only
    page = client.get(reverse("knowledge:index"), {"q": "детской площадки"}).content.decode()
    assert "Инициативные проекты" in page and "Детская площадка во дворе" in page
    assert "Площадка для черновика" not in page


def test_search_page_says_more_than_the_cap_without_facet_numbers(client, monkeypatch):
    from sosedi.knowledge import search

    monkeypatch.setattr(search, "COUNT_CAP", 1)
    published(title="Кворум собрания", body="<p>Треть.</p>")
    published(title="Кворум конференции", body="<p>Половина делегатов.</p>")
    page = client.get(reverse("knowledge:index"), {"q": "кворум"}).content.decode()
    assert "Найдено материалов: более 1 — уточните запрос" in page
    assert "Статья</a>" in page and "Статья (" not in page
