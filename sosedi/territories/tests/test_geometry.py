import json

import pytest
from django.core.exceptions import ValidationError

from sosedi.territories.geometry import derive_fields, overlaps, parse_boundary
from sosedi.territories.tests.factories import square

BOWTIE = {
    "type": "Polygon",
    "coordinates": [[[46.0, 51.5], [46.01, 51.51], [46.01, 51.5], [46.0, 51.51], [46.0, 51.5]]],
}


def test_polygon_multipolygon_feature_and_string_accepted():
    assert parse_boundary(square(46.0, 51.5)).area > 0
    multi = {
        "type": "MultiPolygon",
        "coordinates": [square(46.0, 51.5)["coordinates"], square(46.1, 51.5)["coordinates"]],
    }
    assert parse_boundary(multi).geom_type == "MultiPolygon"
    assert parse_boundary({"type": "Feature", "properties": {}, "geometry": square(46.0, 51.5)}).area > 0
    assert parse_boundary(json.dumps(square(46.0, 51.5))).area > 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{not json", "GeoJSON"),
        ({"type": "Point", "coordinates": [46.0, 51.5]}, "«Point»"),
        ({"type": "LineString", "coordinates": [[46.0, 51.5], [46.1, 51.6]]}, "многоугольником"),
        (BOWTIE, "пересекает сама себя"),
        (
            {"type": "Polygon", "coordinates": [[[46.0, 51.5], [46.01, 51.5], [46.01, 51.51], [46.0, 51.5]][:3]]},
            "четырёх",
        ),
        (
            {"type": "Polygon", "coordinates": [[[46.0, 51.5], [46.01, 51.5], [46.01, 51.51], [46.0, 51.51]]]},
            "не замкнут",
        ),
        ({"type": "Polygon", "coordinates": [[[246.0, 51.5], [246.01, 51.5], [246.01, 51.51], [246.0, 51.5]]]}, "вне"),
        ({"type": "Polygon", "coordinates": [[[46.0, 51.5], [46.01, 51.5], [46.02, 51.5], [46.0, 51.5]]]}, ""),
        ({"type": "Polygon", "coordinates": [[["a", 51.5], [46.01, 51.5], [46.01, 51.51], ["a", 51.5]]]}, "пара чисел"),
        ({"type": "Polygon"}, "нет координат"),
        ([1, 2], "объектом"),
    ],
)
def test_bad_boundaries_rejected_in_russian(value, message):
    with pytest.raises(ValidationError) as exc:
        parse_boundary(value)
    assert message in exc.value.messages[0]


def test_derived_fields():
    fields = derive_fields(parse_boundary(square(46.0, 51.5, 0.01)))
    assert fields["bbox_min_lon"] == 46.0 and fields["bbox_max_lat"] == pytest.approx(51.51)
    assert 46.0 < fields["centroid_lon"] < 46.01 and 51.5 < fields["centroid_lat"] < 51.51
    assert fields["boundary_simplified"]["type"] == "Polygon"
    json.dumps(fields)  # everything is plain JSON


def test_touching_is_not_overlapping():
    a = parse_boundary(square(46.0, 51.5, 0.01))
    b = parse_boundary(square(46.01, 51.5, 0.01))  # shares the east edge of a
    c = parse_boundary(square(46.005, 51.5, 0.01))
    assert not overlaps(a, b)
    assert overlaps(a, c)
