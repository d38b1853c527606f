import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sosedi.territories.models import Direction
from sosedi.territories.selectors import (
    MAP_FEATURE_LIMIT,
    BadQuery,
    parse_bbox,
    tos_detail,
    tos_features_in_bbox,
    tos_list,
    tos_locate,
)
from sosedi.territories.tests.factories import TosFactory, municipality, square

pytestmark = pytest.mark.django_db


def test_filters_and_cyrillic_search_ignore_case():
    engels = municipality("Энгельсский муниципальный район")
    a = TosFactory(name="ТОС «Берёзка»", status="registered", charter_reg_number="1", charter_reg_date="2024-01-01")
    a.directions.add(Direction.objects.get(code="ecology"))
    b = TosFactory(name="ТОС «Волжский»", municipality=engels)
    assert list(tos_list(q="БЕРЁЗКА")) == [a]
    assert list(tos_list(q="волжский энгельсский")) == [b]
    assert list(tos_list(municipality=engels)) == [b]
    assert list(tos_list(status="registered")) == [a]
    assert list(tos_list(direction="ecology")) == [a]
    assert list(tos_list(q="нет такого")) == []


def test_locate_finds_the_containing_tos_only():
    inside = TosFactory(boundary=square(46.0, 51.5, 0.01))
    TosFactory(boundary=square(46.02, 51.5, 0.01))
    TosFactory(boundary=square(46.0, 51.5, 0.01), status="liquidated")
    assert tos_locate(lat=51.505, lon=46.005) == [inside]
    assert tos_locate(lat=51.505, lon=46.015) == []
    with pytest.raises(BadQuery) as exc:
        tos_locate(lat=91, lon=46)
    assert exc.value.field == "lat"


def test_features_polygons_when_close_points_when_far():
    tos = TosFactory(boundary=square(46.0, 51.5, 0.01))
    TosFactory(boundary=square(48.0, 53.0, 0.01))
    near = tos_features_in_bbox((45.99, 51.49, 46.05, 51.52), zoom=14)
    assert [f["id"] for f in near["features"]] == [tos.pk]
    assert near["features"][0]["geometry"]["type"] == "Polygon"
    assert near["features"][0]["properties"]["url"] == f"/tos/{tos.pk}/"
    far = tos_features_in_bbox((40, 45, 55, 60), zoom=6)
    assert {f["geometry"]["type"] for f in far["features"]} == {"Point"}
    assert len(far["features"]) == 2


def test_feature_count_is_capped(monkeypatch):
    import sosedi.territories.selectors as selectors

    monkeypatch.setattr(selectors, "MAP_FEATURE_LIMIT", 3)
    for i in range(5):
        TosFactory(boundary=square(46.0 + i * 0.02, 51.5, 0.01))
    result = tos_features_in_bbox((45.9, 51.4, 46.2, 51.6), zoom=13)
    assert len(result["features"]) == 3 and result["truncated"]
    assert MAP_FEATURE_LIMIT >= 1000


@pytest.mark.parametrize(
    "bbox", ["", "1,2,3", "a,b,c,d", "46,51,45,52", "46,51,47,51", "-200,51,47,52", "46,-95,47,52"]
)
def test_bad_bbox_named(bbox):
    with pytest.raises(BadQuery) as exc:
        parse_bbox(bbox)
    assert exc.value.field == "bbox"


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_data():
    ecology = Direction.objects.get(code="ecology")

    def make(n):
        for tos in TosFactory.create_batch(n):
            tos.directions.add(ecology)

    make(10)
    # The eight directions are copied once per process (selectors._directions_by_id), not per page: load them
    # before counting, as a running server has. The ТОС page query is compiled once per connection, and the
    # first compilation asks SQLite what JSON functions it has: that too a running server has done already.
    from sosedi.territories.selectors import _directions_by_id

    _directions_by_id()
    tos_detail(tos_list()[0].pk)
    small = (
        _queries(lambda: [list(t.directions.all()) for t in tos_list()]),
        _queries(lambda: tos_detail(tos_list()[0].pk)),
    )
    make(490)
    large = (
        _queries(lambda: [list(t.directions.all()) for t in tos_list()]),
        _queries(lambda: tos_detail(tos_list()[0].pk)),
    )
    assert small == large


def test_the_council_shows_names_only_with_consent_to_publication_in_the_order_of_office():
    """ст. 10.1 152-ФЗ: a name is published only with the person's consent; an anonymised account never."""
    from django.utils import timezone

    from sosedi.accounts.models import Role
    from sosedi.accounts.selectors import HIDDEN_NAME
    from sosedi.accounts.tests.factories import UserFactory, consent, grant, member

    tos = TosFactory()

    def seat(role, last, *, consent_kind=None, withdrawn=False, **extra):
        person = UserFactory(last_name=last, first_name="Анна", patronymic="", **extra)
        member(tos, person)
        if consent_kind:
            consent(person, consent_kind, withdrawn=withdrawn)
        return grant(person, role, tos=tos)

    seat(Role.COUNCIL_MEMBER, "Яковлева", consent_kind="publication")
    seat(Role.COUNCIL_MEMBER, "Борисова", consent_kind="publication", withdrawn=True)
    seat(Role.SECRETARY, "Волкова")  # never agreed to publication
    seat(Role.CHAIR, "Иванова", consent_kind="publication")
    seat(Role.COUNCIL_MEMBER, "Ушедшая", consent_kind="publication", anonymised_at=timezone.now())
    revoked = seat(Role.COUNCIL_MEMBER, "Прежняя", consent_kind="publication")
    revoked.revoked_at = timezone.now()
    revoked.save()

    seats = [(s.role, s.name) for s in tos_detail(tos.pk).council_list]
    assert seats == [
        (Role.CHAIR, "Иванова Анна"),
        (Role.SECRETARY, HIDDEN_NAME),
        (Role.COUNCIL_MEMBER, HIDDEN_NAME),
        (Role.COUNCIL_MEMBER, HIDDEN_NAME),
        (Role.COUNCIL_MEMBER, "Яковлева Анна"),
    ]
    assert tos_detail(TosFactory().pk).council_list == []
