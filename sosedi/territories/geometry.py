"""ТОС boundaries: parsing and checking GeoJSON with shapely, and the derived fields the map and locate use.

Coordinates are GeoJSON order (longitude, latitude) in WGS 84. No GIS server is needed: the bounding box is
stored in four indexed columns and the final geometric test runs in Python (docs/decisions/0001-foundation.md).
"""

import json
from typing import Any

import shapely
from django.core.exceptions import ValidationError
from shapely.geometry import MultiPolygon, Polygon, mapping, shape
from shapely.validation import explain_validity

ALLOWED_TYPES = ("Polygon", "MultiPolygon")
# About 5 m at Saratov's latitude: invisible on a map, yet it drops most vertices of hand-drawn boundaries.
SIMPLIFY_TOLERANCE = 0.00005
COORDINATE_DECIMALS = 6
# Areas below this (in square degrees, ~1 m²) count as touching, not overlapping: neighbours share streets.
OVERLAP_EPSILON = 1e-10


def _error(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_boundary")


def _load(value: Any) -> dict:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            raise _error(f"Границы должны быть в формате GeoJSON: ошибка разбора в строке {exc.lineno}.") from exc
    if not isinstance(value, dict):
        raise _error("Границы должны быть объектом GeoJSON (Polygon или MultiPolygon).")
    if value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1:
            raise _error("Файл GeoJSON должен содержать ровно одну фигуру — границу ТОС.")
        value = features[0]
    if value.get("type") == "Feature":
        value = value.get("geometry") or {}
    return value


def _check_positions(geojson: dict) -> None:
    polygons = [geojson["coordinates"]] if geojson["type"] == "Polygon" else geojson["coordinates"]
    if not isinstance(polygons, list) or not polygons:
        raise _error("В границах нет координат.")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise _error("Многоугольник границы пуст.")
        for ring in polygon:
            if not isinstance(ring, list) or len(ring) < 4:
                raise _error("Контур границы должен содержать не меньше четырёх точек (первая и последняя совпадают).")
            for point in ring:
                if (
                    not isinstance(point, list | tuple)
                    or len(point) < 2
                    or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
                ):
                    raise _error("Каждая точка границы — пара чисел [долгота, широта].")
                lon, lat = point[0], point[1]
                if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                    raise _error(
                        f"Точка [{lon}, {lat}] вне допустимых координат: долгота от −180 до 180, широта от −90 до 90."
                    )
            if list(ring[0][:2]) != list(ring[-1][:2]):
                raise _error("Контур границы не замкнут: первая и последняя точки должны совпадать.")


def _explain(geom) -> str:
    reason = explain_validity(geom)
    if "Self-intersection" in reason or "Ring Self-intersection" in reason:
        return "Граница пересекает сама себя. Проверьте порядок точек контура."
    if "Too few points" in reason:
        return "В контуре границы слишком мало различных точек."
    if "Hole lies outside shell" in reason or "Holes are nested" in reason:
        return "Вырез в границе лежит вне внешнего контура."
    if "Nested shells" in reason:
        return "Части границы вложены друг в друга."
    return "Граница некорректна: контуры пересекаются или повторяют точки."


def parse_boundary(value: Any):
    """Return a valid shapely Polygon/MultiPolygon for a GeoJSON value, or raise ValidationError in Russian."""
    geojson = _load(value)
    kind = geojson.get("type")
    if kind not in ALLOWED_TYPES:
        shown = kind or "не указан"
        raise _error(f"Граница должна быть многоугольником (Polygon или MultiPolygon), а не «{shown}».")
    if "coordinates" not in geojson:
        raise _error("В границах нет координат.")
    _check_positions(geojson)
    try:
        geom = shape(geojson)
    except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
        raise _error("Не удалось прочитать координаты границы.") from exc
    if not geom.is_valid:
        raise _error(_explain(geom))
    if geom.is_empty or geom.area <= 0:
        raise _error("Граница не охватывает никакой площади.")
    return geom


def _rounded(geom) -> dict:
    return mapping(shapely.set_precision(geom, 10**-COORDINATE_DECIMALS)) if geom.is_valid else mapping(geom)


def to_geojson(geom) -> dict:
    """A plain-JSON GeoJSON geometry (lists, not tuples) so it round-trips through JSONField unchanged."""
    return json.loads(json.dumps(mapping(geom)))


def derive_fields(geom) -> dict:
    """Fields stored beside the boundary: bbox, a point inside the territory and a lighter copy for maps."""
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    inside = geom.representative_point()
    simplified = geom.simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
    if simplified.is_empty or not isinstance(simplified, Polygon | MultiPolygon):
        simplified = geom
    return {
        "boundary": to_geojson(geom),
        "boundary_simplified": json.loads(json.dumps(_rounded(simplified))),
        "bbox_min_lon": min_lon,
        "bbox_min_lat": min_lat,
        "bbox_max_lon": max_lon,
        "bbox_max_lat": max_lat,
        "centroid_lon": round(inside.x, COORDINATE_DECIMALS),
        "centroid_lat": round(inside.y, COORDINATE_DECIMALS),
    }


def overlaps(a, b) -> bool:
    """True when two boundaries share an area (not just a border or a corner)."""
    if not a.intersects(b):
        return False
    return a.intersection(b).area > OVERLAP_EPSILON
