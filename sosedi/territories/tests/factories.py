import factory

from sosedi.territories.models import Municipality, Region, TerritoryType, Tos, TosStatus


def square(lon: float, lat: float, size: float = 0.002) -> dict:
    """A closed GeoJSON square polygon with its south-west corner at (lon, lat)."""
    return {
        "type": "Polygon",
        "coordinates": [[[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]],
    }


def saratov_region() -> Region:
    return Region.objects.get(code="64")


def municipality(name: str = "город Саратов") -> Municipality:
    return Municipality.objects.get(name=name)


class TosFactory(factory.django.DjangoModelFactory):
    """A ТОС row written directly (no service), with its derived geometry fields filled consistently."""

    class Meta:
        model = Tos
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"ТОС «Тестовый-{n}»")
    municipality = factory.LazyFunction(municipality)
    territory_type = TerritoryType.HOUSE_GROUP
    status = TosStatus.FORMING
    residents_16plus = 300
    boundary = factory.Sequence(lambda n: square(46.0 + (n % 200) * 0.003, 51.5 + (n // 200) * 0.003))

    @factory.lazy_attribute
    def search_text(self):
        return f"{self.name} {self.municipality.name}".lower()

    @factory.post_generation
    def geometry(obj, create, extracted, **kwargs):  # noqa: N805
        ring = obj.boundary["coordinates"][0] if obj.boundary else None
        if not ring:
            return
        lons = [p[0] for p in ring]
        lats = [p[1] for p in ring]
        obj.bbox_min_lon, obj.bbox_max_lon, obj.bbox_min_lat, obj.bbox_max_lat = (
            min(lons),
            max(lons),
            min(lats),
            max(lats),
        )
        obj.centroid_lon, obj.centroid_lat = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
        obj.boundary_simplified = obj.boundary
        if create:
            obj.save()
