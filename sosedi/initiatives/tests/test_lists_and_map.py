"""The public lists and map at scale: pages without a count of everything, the map's points and clusters by
bbox and zoom, the page cache of anonymous visitors and what invalidates it (bench/run_initiatives.sh measures
the speed; these check the behaviour)."""

import pytest

from sosedi.initiatives import selectors, services
from sosedi.initiatives.models import Idea
from sosedi.territories.tests.factories import municipality

from .factories import allow_signatures, idea, resident, tos_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)


def test_pages_walk_forward_and_back_without_counting(client, small_pages):
    author = resident()
    for n in range(5):
        idea(author, title=f"Идея {n}")
    first = client.get("/initiatives/ideas/").content.decode()
    assert "Идея 4" in first and "Идея 3" in first and "Идея 2" not in first
    assert 'rel="next"' in first and 'rel="prev"' not in first and "Страница 1" in first
    last = client.get("/initiatives/ideas/?page=3").content.decode()
    assert "Идея 0" in last and 'rel="next"' not in last and 'rel="prev"' in last
    beyond = client.get("/initiatives/ideas/?page=7").content.decode()
    assert "На этой странице идей нет" in beyond and "К первой странице" in beyond
    for junk in ("abc", "-1", "0", "99999999999"):
        assert client.get(f"/initiatives/ideas/?page={junk}").status_code == 200


def test_page_of_asks_one_row_more_and_never_counts(django_assert_num_queries):
    author = resident()
    for n in range(3):
        idea(author, title=f"Идея {n}")
    with django_assert_num_queries(2):  # the ids, then the cards
        page = selectors.idea_page("1")
    assert [row["title"] for row in page.object_list][:1] == ["Идея 2"]
    assert not page.has_next and not page.has_previous


def test_project_cards_show_status_cost_signatures_and_decision_date(client):
    allow_signatures(min_signatures=1)
    project = tos_project(cost_estimate=1234567)
    services.project_open_support(actor=project.created_by, project=project)
    services.signature_sign(actor=resident(), project=project)
    page = client.get("/initiatives/").content.decode()
    assert "Сбор поддержки" in page and "1\xa0234\xa0567 ₽" in page and "подписей: 1" in page


def test_filter_lists_only_municipalities_with_ideas_or_projects(client):
    idea()
    names = list(selectors.filter_municipalities().values_list("name", flat=True))
    assert names == [municipality().name]


def test_filter_choices_follow_new_ideas_and_any_municipality_still_filters(client):
    from sosedi.territories.models import Municipality

    client.force_login(resident())  # fresh renders: past the page cache, only the process's memo of choices
    saratov = municipality()
    other = Municipality.objects.exclude(pk=saratov.pk).order_by("pk").first()
    idea(title="Саратовская идея")
    page = client.get("/initiatives/ideas/").content.decode()
    assert f'<option value="{saratov.pk}">{saratov.name}</option>' in page
    assert f'<option value="{other.pk}">{other.name}</option>' not in page
    # Not among the choices (nothing there yet), yet the filter applies.
    assert "Саратовская идея" not in client.get(f"/initiatives/ideas/?municipality={other.pk}").content.decode()
    idea(municipality=other, title="Другая идея")
    page = client.get(f"/initiatives/ideas/?municipality={other.pk}").content.decode()
    assert f'<option value="{other.pk}" selected>{other.name}</option>' in page
    assert "Другая идея" in page and "Саратовская идея" not in page


def test_map_clusters_when_zoomed_out_and_points_when_zoomed_in(client):
    author = resident()
    for n in range(3):
        idea(author, title=f"Рядом {n}", lat=51.5301 + n * 0.0001, lon=46.0101)
    idea(author, title="Далеко", lat=51.7, lon=46.3)
    zoomed_out = client.get("/api/v1/initiatives/map?bbox=45,51,47,52&zoom=8").json()
    assert zoomed_out["clusters"] is True
    counts = sorted(item["count"] for item in zoomed_out["items"])
    assert counts == [1, 3]
    lone = next(item for item in zoomed_out["items"] if item["count"] == 1)
    assert lone["url"] == f"/initiatives/ideas/{Idea.objects.get(title='Далеко').pk}/"
    zoomed_in = client.get("/api/v1/initiatives/map?bbox=46.0,51.52,46.02,51.54&zoom=16").json()
    assert zoomed_in["clusters"] is False
    assert sorted(item["title"] for item in zoomed_in["items"]) == ["Рядом 0", "Рядом 1", "Рядом 2"]


def test_map_hides_drafts_and_archived_ideas_and_applies_filters(client):
    draft = tos_project(lat=51.53, lon=46.01)
    archived = idea(lat=51.53, lon=46.01, title="В архиве")
    Idea.objects.filter(pk=archived.pk).update(status="archived")
    body = client.get("/api/v1/initiatives/map?bbox=46,51.5,46.1,51.6&zoom=16").json()
    assert body["items"] == []
    services.project_open_support(actor=draft.created_by, project=draft)
    body = client.get("/api/v1/initiatives/map?bbox=46,51.5,46.1,51.6&zoom=16").json()
    assert [item["kind"] for item in body["items"]] == ["project"]
    other = client.get("/api/v1/initiatives/map?bbox=46,51.5,46.1,51.6&zoom=16&municipality=999999").json()
    assert other["items"] == []


def test_too_many_points_in_view_are_grouped_even_zoomed_in(client, monkeypatch):
    monkeypatch.setattr(selectors, "MAP_POINT_LIMIT", 2)
    author = resident()
    for n in range(2):
        idea(author, title=f"Точка {n}", lat=51.53, lon=46.01)
    body = client.get("/api/v1/initiatives/map?bbox=46,51.5,46.1,51.6&zoom=16").json()
    assert body["clusters"] is False and len(body["items"]) == 2
    idea(author, title="Точка 2", lat=51.53, lon=46.01)
    body = client.get("/api/v1/initiatives/map?bbox=46,51.5,46.1,51.6&zoom=16").json()
    assert body["clusters"] is True and [i["count"] for i in body["items"]] == [3]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("bbox=1,2,3&zoom=5", "bbox"),
        ("bbox=a,b,c,d&zoom=5", "bbox"),
        ("bbox=10,10,5,5&zoom=5", "bbox"),
        ("bbox=1,2,3,4&zoom=40", "zoom"),
        ("bbox=1,2,3,4", "zoom"),
    ],
)
def test_map_rejects_bad_bbox_and_zoom_naming_the_field(client, query, field):
    response = client.get(f"/api/v1/initiatives/map?{query}")
    assert 400 <= response.status_code < 500
    assert field in response.content.decode()


def test_anonymous_lists_are_cached_until_an_idea_or_signature_changes_them(client):
    author = resident()
    idea(author, title="Первая идея")
    first = client.get("/initiatives/ideas/")
    assert "Первая идея" in first.content.decode()
    again = client.get("/initiatives/ideas/")
    assert again["X-Page-Cache"] == "hit"
    idea(author, title="Вторая идея")
    fresh = client.get("/initiatives/ideas/")
    assert "Вторая идея" in fresh.content.decode() and not fresh.has_header("X-Page-Cache")


def test_signed_in_visitors_get_a_fresh_list(client):
    client.force_login(resident())
    client.get("/initiatives/")
    assert not client.get("/initiatives/").has_header("X-Page-Cache")


def test_list_queries_do_not_grow_with_rows(client):
    author = resident()
    for url in ("/initiatives/ideas/", "/initiatives/", "/initiatives/map/"):
        client.get(url)  # the law panel is read once per process, as a running server has done already
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sizes():
        result = []
        for url in ("/initiatives/ideas/", "/initiatives/", "/initiatives/map/"):
            with CaptureQueriesContext(connection) as ctx:
                client.cookies["sessionid"] = "none"  # past the page cache
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    idea(author, lat=51.5, lon=46.0)
    small = sizes()
    for n in range(20):
        idea(author, title=f"Ещё {n}", lat=51.5, lon=46.0)
    assert sizes() == small


# ---------------------------------------------------------------- the map in tiles of the slippy-map grid


def _tile(lat: float, lon: float, z: int) -> str:
    """The tile z/x/y that holds a point, numbered as base maps number them (OpenStreetMap's formula)."""
    import math

    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return f"{z}/{x}/{y}"


def test_tile_bounds_are_those_of_base_map_tiles():
    from sosedi.territories.selectors import tile_bbox

    assert tile_bbox(0, 0, 0) == pytest.approx((-180, -85.0511288, 180, 85.0511288))
    # Saratov at zoom 15: the OpenStreetMap tile 15/20570/10892.
    west, south, east, north = tile_bbox(15, 20570, 10892)
    assert west == pytest.approx(45.98876953) and east == pytest.approx(45.99975586)
    assert south < 51.53 < north and north - south == pytest.approx(0.00683, abs=1e-4)
    assert _tile(51.53, 45.99, 15) == "15/20570/10892"


def test_tile_shows_points_zoomed_in_and_each_point_in_one_tile_only(client):
    author = resident()
    here = idea(author, title="Здесь", lat=51.53, lon=45.99)
    idea(author, title="Соседний квартал", lat=51.53, lon=46.01)
    body = client.get(f"/api/v1/initiatives/map?tile={_tile(51.53, 45.99, 15)}").json()
    assert body == {
        "clusters": False,
        "items": [
            {
                "kind": "idea",
                "id": here.pk,
                "title": "Здесь",
                "lat": 51.53,
                "lon": 45.99,
                "url": here.get_absolute_url(),
            }
        ],
    }
    # A point exactly on the edge of two tiles is in the east one only, so a map merging tiles never doubles it.
    from sosedi.territories.selectors import tile_bbox

    west, south, _, _ = tile_bbox(15, 20571, 10892)
    idea(author, title="На границе", lat=51.53, lon=west)
    found = [
        item["title"]
        for x in (20570, 20571)
        for item in client.get(f"/api/v1/initiatives/map?tile=15/{x}/10892").json()["items"]
    ]
    assert found.count("На границе") == 1 and "На границе" in found


def test_tile_groups_when_zoomed_out_or_crowded(client, monkeypatch):
    author = resident()
    for n in range(3):
        idea(author, title=f"Рядом {n}", lat=51.5301 + n * 0.0001, lon=46.0101)
    idea(author, title="Далеко", lat=51.7, lon=46.3)
    body = client.get(f"/api/v1/initiatives/map?tile={_tile(51.6, 46.1, 7)}").json()  # both in one tile
    assert body["clusters"] is True
    assert sorted(item["count"] for item in body["items"]) == [1, 3]
    lone = next(item for item in body["items"] if item["count"] == 1)
    assert lone["url"] == f"/initiatives/ideas/{Idea.objects.get(title='Далеко').pk}/"
    monkeypatch.setattr(selectors, "MAP_TILE_POINT_LIMIT", 2)
    for n in range(3):
        idea(author, title=f"Толпа {n}", lat=51.55, lon=46.05)
    crowded = client.get(f"/api/v1/initiatives/map?tile={_tile(51.55, 46.05, 16)}").json()
    assert crowded["clusters"] is True and [item["count"] for item in crowded["items"]] == [3]


def test_tile_applies_filters_and_hides_drafts(client):
    draft = tos_project(lat=51.53, lon=46.01)
    tile = _tile(51.53, 46.01, 15)
    assert client.get(f"/api/v1/initiatives/map?tile={tile}").json()["items"] == []
    services.project_open_support(actor=draft.created_by, project=draft)
    body = client.get(f"/api/v1/initiatives/map?tile={tile}&municipality={draft.municipality_id}").json()
    assert [(item["kind"], item["status"]) for item in body["items"]] == [("project", "сбор поддержки")]
    assert client.get(f"/api/v1/initiatives/map?tile={tile}&municipality=999999").json()["items"] == []


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("tile=15/1", "tile", "z/x/y"),
        ("tile=a/b/c", "tile", "z/x/y"),
        ("tile=15/-1/3", "tile", "z/x/y"),
        ("tile=23/0/0", "tile", "от 0 до 22"),
        ("tile=3/8/0", "tile", "от 0 до 7"),
        ("tile=3/0/8", "tile", "от 0 до 7"),
        ("tile=3/0/0&bbox=1,2,3,4&zoom=3", "tile", "не оба"),
        ("", "tile", "tile=z/x/y"),
        ("tile=" + "1" * 50, "tile", "Слишком длинная строка"),
    ],
)
def test_map_rejects_a_bad_tile_naming_the_field_in_russian(client, query, field, message):
    response = client.get(f"/api/v1/initiatives/map?{query}")
    assert 400 <= response.status_code < 500
    body = response.json()
    assert [error["field"] for error in body["errors"]] == [field]
    assert message in body["errors"][0]["message"]


def test_tile_answers_are_cached_until_an_idea_changes_and_cost_no_more_queries_with_data(client):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sosedi.territories.models import Direction

    author = resident()
    idea(author, title="Первая", lat=51.53, lon=46.01)
    street, region = _tile(51.53, 46.01, 15), _tile(51.53, 46.01, 8)
    direction = Direction.objects.first()

    def queries(url):
        cache.clear()  # the groups' own minute too
        client.cookies["sessionid"] = "none"  # past the page cache: what a miss costs
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        del client.cookies["sessionid"]
        return len(ctx.captured_queries)

    urls = [
        f"/api/v1/initiatives/map?tile={t}{q}" for t in (street, region) for q in ("", f"&direction={direction.pk}")
    ]
    small = [queries(url) for url in urls]
    for n in range(30):
        idea(author, title=f"Ещё {n}", lat=51.53 + n * 0.0001, lon=46.01)
    assert [queries(url) for url in urls] == small
    first = client.get(f"/api/v1/initiatives/map?tile={street}")
    assert not first.has_header("X-Page-Cache")
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(f"/api/v1/initiatives/map?tile={street}")
    assert again["X-Page-Cache"] == "hit" and again.content == first.content
    assert not [q for q in ctx.captured_queries if "initiatives_" in q["sql"]]  # at most the content versions
    idea(author, title="Новая", lat=51.5301, lon=46.0101)
    fresh = client.get(f"/api/v1/initiatives/map?tile={street}")
    assert not fresh.has_header("X-Page-Cache") and "Новая" in fresh.content.decode()
