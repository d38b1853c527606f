"""Reads of the registry: lists, a ТОС with everything its page shows, map features and locate."""

import json
import math
import time
from dataclasses import dataclass
from datetime import date

from django.db.models import (
    Aggregate,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject
from shapely.geometry import Point, shape

from sosedi.accounts.models import Consent, ConsentKind, Role, RoleAssignment
from sosedi.core.models import ContentVersion
from sosedi.core.pagecache import tos_scope
from sosedi.core.prepared import PreparedQuery

from .models import BoundaryDecision, Direction, Membership, MembershipStatus, Municipality, Tos, TosStatus

# More features than this in one map request are not readable anyway; the client zooms in for the rest.
MAP_FEATURE_LIMIT = 2000
# Below this zoom (or over a box wider than this many degrees) ТОС are drawn as points, not polygons.
POLYGON_MIN_ZOOM = 11
POLYGON_MAX_SPAN = 1.5


class BadQuery(ValueError):
    """A malformed query parameter; `field` names it for the API's error body."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.select_related("region").order_by("name")


def municipalities_with_counts() -> QuerySet[Municipality]:
    return municipality_list().annotate(tos_count=Count("tos_set", filter=~Q(tos_set__status=TosStatus.LIQUIDATED)))


def direction_list() -> QuerySet[Direction]:
    return Direction.objects.order_by("position")


# Lists never show geometry; the JSON columns are most of a row's size.
GEOMETRY_COLUMNS = ("boundary", "boundary_simplified")


_span_memo: dict[int, tuple[float, float]] = {}


def max_box_span() -> tuple[float, float]:
    """The widest and tallest ТОС bounding box. Remembered in this process per content version (one
    primary-key read per call); any ТОС change bumps the version, so the value is never stale."""
    from django.db.models import F, Max

    from sosedi.core.pagecache import content_version

    version = content_version()
    span = _span_memo.get(version)
    if span is None:
        row = Tos.objects.aggregate(
            lon=Max(F("bbox_max_lon") - F("bbox_min_lon")), lat=Max(F("bbox_max_lat") - F("bbox_min_lat"))
        )
        span = (row["lon"] or 0.0, row["lat"] or 0.0)
        _span_memo.clear()
        _span_memo[version] = span
    return span


def page_of(qs: QuerySet, start: int, stop: int) -> list:
    """Rows start..stop of an ordered queryset in two steps: the ids first (an index-only walk of the
    ordering index, cheap even thousands of rows deep), then only those rows with their relations."""
    ids = list(qs.values_list("id", flat=True)[start:stop])
    by_id = {obj.pk: obj for obj in _with_relations(qs.model.objects.filter(pk__in=ids))}
    return [by_id[i] for i in ids if i in by_id]


def list_rows(qs: QuerySet, start: int, stop: int) -> list[dict]:
    """Rows start..stop as plain dicts for the API: no model instances are built, which is most of the cost
    of a list page."""
    ids = list(qs.values_list("id", flat=True)[start:stop])
    columns = ("id", "name", "municipality_id", "status", "territory_type", "residents_16plus")
    rows = {
        r["id"]: r
        for r in Tos.objects.filter(pk__in=ids).values(
            *columns, "centroid_lat", "centroid_lon", municipality_name=F("municipality__name")
        )
    }
    directions: dict[int, list[dict]] = {i: [] for i in ids}
    links = (
        Tos.directions.through.objects.filter(tos_id__in=ids)
        .order_by("direction__position")
        .values_list("tos_id", "direction__code", "direction__name")
    )
    for tos_id, code, name in links:
        directions[tos_id].append({"code": code, "name": name})
    return [
        {
            **{c: rows[i][c] for c in columns},
            "municipality": rows[i]["municipality_name"],
            "centroid_lat": rows[i]["centroid_lat"],
            "centroid_lon": rows[i]["centroid_lon"],
            "directions": directions[i],
            "url": f"/tos/{i}/",
        }
        for i in ids
        if i in rows
    ]


def _with_relations(qs: QuerySet) -> QuerySet:
    """What a list row shows: the municipality and directions, never the geometry."""
    return (
        qs.defer(*GEOMETRY_COLUMNS)
        .select_related("municipality")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
    )


def tos_list(*, municipality=None, status=None, direction=None, q=None) -> QuerySet[Tos]:
    """The registry, filtered. `municipality` is an object or id, `direction` an object or code."""
    qs = (
        Tos.objects.defer(*GEOMETRY_COLUMNS)
        .select_related("municipality")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
    )
    if municipality:
        qs = qs.filter(municipality=municipality)
    if status:
        qs = qs.filter(status=status)
    if direction:
        qs = qs.filter(directions__code=direction) if isinstance(direction, str) else qs.filter(directions=direction)
    if q:
        for word in q.lower().split():
            qs = qs.filter(search_text__contains=word)
    return qs.order_by("name", "id")


@dataclass(frozen=True)
class CouncilSeat:
    role: str
    role_display: str
    name: str
    user_id: int


class JSONList(Aggregate):
    """The aggregated values as one JSON array: JSON_GROUP_ARRAY on SQLite, JSONB_AGG on PostgreSQL. Lets a
    ТОС page fetch its small lists (directions, boundary decisions) inside the main query."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


@dataclass(frozen=True)
class DecisionRow:
    id: int
    body: str
    number: str
    date: date


_directions: dict = {}  # "at" → when read, "by_id" → {id: Direction}
DIRECTIONS_TTL = 300


def _directions_by_id() -> dict[int, Direction]:
    """The eight directions are reference data (a data migration); each process keeps them for a few minutes
    instead of joining them into every ТОС page."""
    now = time.monotonic()
    if not _directions or now - _directions["at"] > DIRECTIONS_TTL:
        _directions["by_id"] = {d.pk: d for d in Direction.objects.all()}
        _directions["at"] = now
    return _directions["by_id"]


def directions_by_id() -> dict[int, Direction]:
    """The directions in their order (for filters), by id, as this process keeps them."""
    return _directions_by_id()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


_COUNCIL_ORDER = {Role.CHAIR: 0, Role.SECRETARY: 1, Role.COUNCIL_MEMBER: 2}


def _tos_page_queryset(pk):
    members = (
        Membership.objects.filter(tos_id=OuterRef("pk"), status=MembershipStatus.ACTIVE)
        .order_by()
        .values("tos_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    directions = (
        Tos.directions.through.objects.filter(tos_id=OuterRef("pk"))
        .order_by()
        .values("tos_id")
        .annotate(ids=JSONList("direction_id"))
        .values("ids")
    )
    decisions = (
        BoundaryDecision.objects.filter(tos_id=OuterRef("pk"))
        .order_by()
        .values("tos_id")
        .annotate(rows=JSONList(JSONObject(id="id", body="body", number="number", date="date")))
        .values("rows")
    )
    published = Consent.objects.filter(
        user_id=OuterRef("user_id"), kind=ConsentKind.PUBLICATION, withdrawn_at__isnull=True
    )
    council = (
        RoleAssignment.objects.filter(tos_id=OuterRef("pk"), revoked_at__isnull=True, role__in=list(_COUNCIL_ORDER))
        .order_by()
        .values("tos_id")
        .annotate(
            rows=JSONList(
                JSONObject(
                    role="role",
                    user_id="user_id",
                    last="user__last_name",
                    first="user__first_name",
                    patronymic="user__patronymic",
                    anonymised="user__anonymised_at",
                    published=Exists(published),
                )
            )
        )
        .values("rows")
    )
    page_version = ContentVersion.objects.filter(
        key=Concat(Value(tos_scope("")), Cast(OuterRef("pk"), CharField()))
    ).values("version")
    return (
        Tos.objects.defer("boundary_simplified")
        .select_related("municipality")  # the page names the municipality, never the region
        .annotate(
            member_count=Coalesce(Subquery(members, output_field=IntegerField()), 0),
            direction_ids=Subquery(directions, output_field=JSONField()),
            decision_rows=Subquery(decisions, output_field=JSONField()),
            council_rows=Subquery(council, output_field=JSONField()),
            # The version of this ТОС's page scope, read with the data it versions (pagecache.note_version).
            page_version=Coalesce(Subquery(page_version, output_field=IntegerField()), 0),
        )
        .filter(pk=pk)
    )


# Compiled once per connection: the ORM took ~5 ms to build this SQL, PostgreSQL 0.3 ms to answer it.
_tos_page = PreparedQuery(_tos_page_queryset)


def tos_detail(pk) -> Tos:
    """One ТОС with its municipality, directions, boundary decisions, council and the count of its members, in
    one query: the count is a correlated subquery over the (tos, status) index, the three short lists are JSON
    aggregates in the same row (a ТОС page is mostly a cache miss — 35,000 of them — so every round trip to
    the database counts). The lists are `tos.direction_list`, `tos.decision_list` and `tos.council_list`."""
    found = _tos_page.run(int(pk))
    if not found:
        raise Tos.DoesNotExist(f"ТОС {pk} не найден")
    tos = found[0]
    by_id = _directions_by_id()
    chosen = [by_id[i] for i in _json(tos.direction_ids) or [] if i in by_id]
    tos.direction_list = sorted(chosen, key=lambda d: (d.position, d.pk))
    rows = [
        DecisionRow(id=r["id"], body=r["body"], number=r["number"], date=date.fromisoformat(str(r["date"])[:10]))
        for r in _json(tos.decision_rows) or []
    ]
    # The model's order: newest decision first.
    tos.decision_list = sorted(rows, key=lambda d: (d.date, d.id), reverse=True)
    tos.council_list = _council_seats(_json(tos.council_rows) or [])
    return tos


def _council_seats(rows) -> list[CouncilSeat]:
    """The elected body of the ТОС as the public may see it: names only with consent to publication
    (ст. 10.1 152-ФЗ) and never of an anonymised account."""
    from sosedi.accounts.selectors import HIDDEN_NAME

    seats = []
    for row in rows:
        full_name = " ".join(p for p in (row["last"], row["first"], row["patronymic"]) if p)
        visible = row["published"] and not row["anonymised"] and full_name
        seats.append(
            CouncilSeat(
                role=row["role"],
                role_display=Role(row["role"]).label,
                name=full_name if visible else HIDDEN_NAME,
                user_id=row["user_id"],
            )
        )
    return sorted(seats, key=lambda s: (_COUNCIL_ORDER[s.role], s.name))


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    parts = (value or "").split(",")
    if len(parts) != 4:
        raise BadQuery("bbox", "bbox задаётся четырьмя числами через запятую: minLon,minLat,maxLon,maxLat.")
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError as exc:
        raise BadQuery("bbox", "bbox должен состоять из чисел: minLon,minLat,maxLon,maxLat.") from exc
    return validate_bbox((min_lon, min_lat, max_lon, max_lat))


def validate_bbox(bbox) -> tuple[float, float, float, float]:
    min_lon, min_lat, max_lon, max_lat = bbox
    if not all(-180 <= v <= 180 for v in (min_lon, max_lon)) or not all(-90 <= v <= 90 for v in (min_lat, max_lat)):
        raise BadQuery("bbox", "Координаты bbox вне допустимого диапазона (долгота ±180, широта ±90).")
    if min_lon >= max_lon or min_lat >= max_lat:
        raise BadQuery("bbox", "В bbox минимальные значения должны быть меньше максимальных.")
    return min_lon, min_lat, max_lon, max_lat


# Tiles of the slippy-map grid (Web Mercator, as OpenStreetMap and Leaflet number them): a map asking for fixed
# tiles rather than its own rectangle sends the same requests as every other visitor there, so answers repeat
# and can be cached. Deeper than this no base map draws.
MAX_TILE_ZOOM = 22


def parse_tile(value: str) -> tuple[int, int, int]:
    """`z/x/y` → (z, x, y), checked against the grid of zoom z (x and y from 0 to 2^z − 1)."""
    parts = (value or "").split("/")
    if len(parts) != 3 or not all(p.isdigit() and len(p) <= 8 for p in parts):
        raise BadQuery("tile", "tile задаётся тремя целыми числами через косую черту: z/x/y.")
    z, x, y = (int(p) for p in parts)
    if z > MAX_TILE_ZOOM:
        raise BadQuery("tile", f"Масштаб тайла z — от 0 до {MAX_TILE_ZOOM}.")
    if x >= 2**z or y >= 2**z:
        raise BadQuery("tile", f"При масштабе {z} номера тайла x и y — от 0 до {2**z - 1}.")
    return z, x, y


def tile_bbox(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(minLon, minLat, maxLon, maxLat) of a tile; y counts from the north, as in the tile URLs of base maps."""
    n = 2**z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tos_features_geojson(bbox, *, zoom: int | None = None) -> str:
    """A GeoJSON FeatureCollection (as JSON text) of the ТОС in view: simplified polygons when zoomed in,
    points otherwise.

    The stored simplified geometry is read as text and spliced into the answer unparsed: a map request
    costs one indexed query and string joining, whatever the size of the registry.
    """
    from django.db.models import TextField
    from django.db.models.functions import Cast

    min_lon, min_lat, max_lon, max_lat = validate_bbox(bbox)
    as_points = (zoom is not None and zoom < POLYGON_MIN_ZOOM) or (
        max_lon - min_lon > POLYGON_MAX_SPAN or max_lat - min_lat > POLYGON_MAX_SPAN
    )
    qs = (
        Tos.objects.active()
        .filter(centroid_lon__isnull=False)
        .in_bbox(min_lon, min_lat, max_lon, max_lat, max_span=max_box_span())
        .order_by("-residents_16plus", "id")
    )
    if not as_points:
        qs = qs.annotate(geometry_text=Cast("boundary_simplified", TextField()))
    columns = ["id", "name", "status", "municipality__name", "centroid_lon", "centroid_lat"]
    rows = list(qs.values(*columns, *([] if as_points else ["geometry_text"]))[: MAP_FEATURE_LIMIT + 1])
    truncated = len(rows) > MAP_FEATURE_LIMIT
    labels = {code: json.dumps(str(label), ensure_ascii=False) for code, label in TosStatus.choices}
    features = []
    for row in rows[:MAP_FEATURE_LIMIT]:
        geometry = (
            f'{{"type":"Point","coordinates":[{row["centroid_lon"]},{row["centroid_lat"]}]}}'
            if as_points
            else row["geometry_text"]
        )
        pk = row["id"]
        features.append(
            f'{{"type":"Feature","id":{pk},"geometry":{geometry},"properties":{{"id":{pk},'
            f'"name":{json.dumps(row["name"], ensure_ascii=False)},"status":"{row["status"]}",'
            f'"status_display":{labels[row["status"]]},'
            f'"municipality":{json.dumps(row["municipality__name"], ensure_ascii=False)},"url":"/tos/{pk}/"}}}}'
        )
    flags = f'"truncated":{"true" if truncated else "false"},"as_points":{"true" if as_points else "false"}'
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]," + flags + "}"


def tos_features_in_bbox(bbox, *, zoom: int | None = None) -> dict:
    """The same collection as a Python dict (for callers that work with it rather than send it)."""
    return json.loads(tos_features_geojson(bbox, zoom=zoom))


def tos_locate(*, lat: float, lon: float) -> list[Tos]:
    """The ТОС whose boundary contains the point (a border point counts as inside)."""
    if not (-90 <= lat <= 90):
        raise BadQuery("lat", "Широта должна быть от −90 до 90.")
    if not (-180 <= lon <= 180):
        raise BadQuery("lon", "Долгота должна быть от −180 до 180.")
    point = Point(lon, lat)
    # Candidates come with what a list row shows (municipality, directions), so callers need no second query.
    candidates = (
        Tos.objects.active()
        .filter(boundary__isnull=False)
        .in_bbox(lon, lat, lon, lat, max_span=max_box_span())
        .defer("boundary_simplified")
        .select_related("municipality")
        .prefetch_related(Prefetch("directions", queryset=Direction.objects.order_by("position")))
        .order_by("name", "id")
    )
    return [tos for tos in candidates if shape(tos.boundary).intersects(point)]
