import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sosedi.accounts.models import Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.territories.models import Direction, Tos
from sosedi.territories.tests.factories import TosFactory, municipality, square

pytestmark = pytest.mark.django_db


def test_registry_filters_search_and_pagination(client):
    engels = municipality("Энгельсский муниципальный район")
    TosFactory.create_batch(30)
    target = TosFactory(
        name="ТОС «Яблонька»",
        municipality=engels,
        status="registered",
        charter_reg_number="5",
        charter_reg_date="2024-01-01",
    )
    target.directions.add(Direction.objects.get(code="ecology"))
    page = client.get("/tos/").content.decode()
    assert "Найдено ТОС: <strong>31</strong>" in page and "Страница 1 из 2" in page
    assert "Найдено ТОС: <strong>1</strong>" in client.get("/tos/", {"q": "ЯБЛОНЬКА"}).content.decode()
    for params in ({"municipality": engels.pk}, {"status": "registered"}, {"direction": "ecology"}):
        body = client.get("/tos/", params).content.decode()
        assert "ТОС «Яблонька»" in body and "Найдено ТОС: <strong>1</strong>" in body
    second = client.get("/tos/", {"page": 2}).content.decode()
    assert "Страница 2 из 2" in second
    # Bad filter values are ignored rather than failing the page.
    assert client.get("/tos/", {"municipality": "nonsense"}).status_code == 200


def test_htmx_gets_only_the_results_partial(client):
    TosFactory(name="ТОС «Частичный»")
    body = client.get("/tos/", {"q": "частичный"}, HTTP_HX_REQUEST="true").content.decode()
    assert body.lstrip().startswith('<section id="results"') and "<html" not in body


def test_tos_page_shows_facts_and_law(client):
    tos = TosFactory(name="ТОС «Карточка»", territory_description="ул. Лесная, 1–9")
    body = client.get(f"/tos/{tos.pk}/").content.decode()
    assert "ТОС «Карточка»" in body and "ул. Лесная" in body and "ч. 5 ст. 27 131-ФЗ" in body
    assert "Изменить сведения" not in body
    assert client.get("/tos/999999/").status_code == 404


def test_find_by_point_and_by_street(client):
    tos = TosFactory(name="ТОС «Точка»", boundary=square(46.0, 51.5, 0.01), territory_description="ул. Вишнёвая")
    tos.search_text += " ул. вишнёвая"
    tos.save()
    assert "ТОС «Точка»" in client.get("/tos/find/", {"lat": 51.505, "lon": 46.005}).content.decode()
    assert "ТОС пока нет" in client.get("/tos/find/", {"lat": 51.0, "lon": 45.0}).content.decode()
    assert "ТОС «Точка»" in client.get("/tos/find/", {"q": "Вишнёвая"}).content.decode()
    bad = client.get("/tos/find/", {"lat": "север", "lon": 46}).content.decode()
    assert "Введите число" in bad
    assert "Широта — от −90 до 90" in client.get("/tos/find/", {"lat": 100, "lon": 46}).content.decode()
    assert "Укажите и широту, и долготу" in client.get("/tos/find/", {"lat": 51.5}).content.decode()


def _form(**extra):
    data = {
        "name": "ТОС «Форма»",
        "municipality": municipality().pk,
        "territory_type": "house_group",
        "status": "forming",
        "boundary": json.dumps(square(46.3, 51.7, 0.005)),
        "residents_16plus": "",
        "directions": ["landscaping"],
    }
    data.update(extra)
    return data


def test_edit_permissions(client):
    tos = TosFactory()
    assert client.get("/tos/new/").status_code == 302  # login first
    client.force_login(UserFactory())
    assert client.get("/tos/new/").status_code == 403
    assert client.get(f"/tos/{tos.pk}/edit/").status_code == 403
    foreign = UserFactory()
    grant(foreign, Role.MUNICIPAL_OFFICIAL, municipality=municipality("Энгельсский муниципальный район"))
    client.force_login(foreign)
    assert client.get(f"/tos/{tos.pk}/edit/").status_code == 403
    assert client.post("/tos/new/", _form()).status_code == 200  # form re-shown: Саратов is not in their list
    assert not Tos.objects.filter(name="ТОС «Форма»").exists()


def test_official_creates_edits_and_confirms_overlap(client):
    official = UserFactory()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=municipality())
    client.force_login(official)
    response = client.post("/tos/new/", _form())
    tos = Tos.objects.get(name="ТОС «Форма»")
    assert response.status_code == 302 and response["Location"] == f"/tos/{tos.pk}/"

    bad = client.post("/tos/new/", _form(name="ТОС «Кривой»", boundary='{"type":"Point","coordinates":[46,51]}'))
    assert "многоугольником" in bad.content.decode() and "ТОС «Кривой»" in bad.content.decode()

    overlapping = _form(name="ТОС «Сосед»", boundary=json.dumps(square(46.302, 51.702, 0.005)))
    first = client.post("/tos/new/", overlapping).content.decode()
    assert "Границы пересекаются с другими ТОС" in first and "Подтверждаю" in first
    assert not Tos.objects.filter(name="ТОС «Сосед»").exists()
    assert client.post("/tos/new/", {**overlapping, "confirm_overlap": "on"}).status_code == 302

    edit = client.post(f"/tos/{tos.pk}/edit/", _form(status="registered"))
    assert "номер регистрации устава" in edit.content.decode()
    tos.refresh_from_db()
    assert tos.status == "forming"


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_registry_and_tos_page_queries_do_not_grow(client):
    ecology = Direction.objects.get(code="ecology")

    def add(n):
        for t in TosFactory.create_batch(n):
            t.directions.add(ecology)

    add(10)
    # The eight directions are copied once per process (selectors._directions_by_id), not per page: load them
    # before counting, as a running server has.
    from sosedi.territories.selectors import _directions_by_id

    _directions_by_id()
    first = Tos.objects.order_by("pk").first()
    small = (_count(client, "/tos/"), _count(client, f"/tos/{first.pk}/"), _count(client, "/tos/map/"))
    add(490)
    large = (_count(client, "/tos/"), _count(client, f"/tos/{first.pk}/"), _count(client, "/tos/map/"))
    assert small == large
