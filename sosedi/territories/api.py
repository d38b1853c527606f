"""Registry endpoints of API v1. They call the same selectors and services as the pages."""

from datetime import date
from typing import Any, Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from sosedi.api.auth import TokenAuth
from sosedi.api.errors import ErrorOut

from . import selectors
from .models import TerritoryType, Tos
from .services import tos_create, tos_update

router = Router(tags=["Реестр ТОС"])

StatusCode = Literal["initiative", "forming", "registered", "liquidated"]
TerritoryCode = Literal[tuple(TerritoryType.values)]  # type: ignore[valid-type]


class MunicipalityOut(Schema):
    id: int
    name: str
    kind: str
    centre: str
    oktmo: str | None
    oktmo_confidence: str
    lat: float | None
    lon: float | None


class DirectionOut(Schema):
    code: str
    name: str


class TosListItem(Schema):
    id: int
    name: str
    municipality_id: int
    municipality: str
    status: str
    territory_type: str
    residents_16plus: int | None
    centroid_lat: float | None
    centroid_lon: float | None
    directions: list[DirectionOut]
    url: str


class BoundaryDecisionOut(Schema):
    body: str
    number: str
    date: date


class TosDetail(TosListItem):
    territory_description: str
    charter_reg_number: str
    charter_reg_date: date | None
    is_legal_entity: bool
    inn: str
    ogrn: str
    chair_name: str
    contact_phone: str
    contact_email: str
    contact_address: str
    residents_as_of: date | None
    founded_on: date | None
    description: str
    boundary: dict[str, Any] | None
    boundary_decisions: list[BoundaryDecisionOut]

    @staticmethod
    def resolve_municipality(obj):
        return obj.municipality.name

    @staticmethod
    def resolve_directions(obj):
        # tos_detail hands the list over already read; list rows carry a prefetched relation instead.
        return obj.direction_list if hasattr(obj, "direction_list") else list(obj.directions.all())

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()

    @staticmethod
    def resolve_boundary_decisions(obj):
        return obj.decision_list if hasattr(obj, "decision_list") else list(obj.boundary_decisions.all())


class TosPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[TosListItem]


class Feature(Schema):
    type: Literal["Feature"]
    id: int
    geometry: dict[str, Any]
    properties: dict[str, Any]


class FeatureCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[Feature]
    truncated: bool
    as_points: bool


class TosIn(Schema):
    name: str = Field(..., max_length=255)
    municipality: int
    territory_type: TerritoryCode
    status: StatusCode = "initiative"
    territory_description: str = ""
    boundary: dict[str, Any] | None = None
    charter_reg_number: str = Field("", max_length=64)
    charter_reg_date: date | None = None
    is_legal_entity: bool = False
    inn: str = Field("", max_length=12)
    ogrn: str = Field("", max_length=15)
    chair_name: str = Field("", max_length=255)
    contact_phone: str = Field("", max_length=32)
    contact_email: str = Field("", max_length=254)
    contact_address: str = Field("", max_length=500)
    residents_16plus: int | None = Field(None, ge=0, le=10_000_000)
    residents_as_of: date | None = None
    founded_on: date | None = None
    directions: list[str] = []
    description: str = ""
    confirm_overlap: bool = False


class TosPatch(Schema):
    name: str | None = Field(None, max_length=255)
    territory_type: TerritoryCode | None = None
    status: StatusCode | None = None
    territory_description: str | None = None
    boundary: dict[str, Any] | None = None
    charter_reg_number: str | None = Field(None, max_length=64)
    charter_reg_date: date | None = None
    is_legal_entity: bool | None = None
    inn: str | None = Field(None, max_length=12)
    ogrn: str | None = Field(None, max_length=15)
    chair_name: str | None = Field(None, max_length=255)
    contact_phone: str | None = Field(None, max_length=32)
    contact_email: str | None = Field(None, max_length=254)
    contact_address: str | None = Field(None, max_length=500)
    residents_16plus: int | None = Field(None, ge=0, le=10_000_000)
    residents_as_of: date | None = None
    founded_on: date | None = None
    directions: list[str] | None = None
    description: str | None = None
    confirm_overlap: bool = False


class TosFilters(Schema):
    municipality: int | None = Field(None, description="id муниципального образования")
    status: StatusCode | None = None
    direction: str | None = Field(None, max_length=32, description="код направления деятельности")
    q: str | None = Field(None, max_length=200, description="поиск по названию, улицам, МО")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


def _list_item(tos) -> dict:
    return {
        "id": tos.pk,
        "name": tos.name,
        "municipality_id": tos.municipality_id,
        "municipality": tos.municipality.name,
        "status": tos.status,
        "territory_type": tos.territory_type,
        "residents_16plus": tos.residents_16plus,
        "centroid_lat": tos.centroid_lat,
        "centroid_lon": tos.centroid_lon,
        "directions": [{"code": d.code, "name": d.name} for d in tos.directions.all()],
        "url": f"/tos/{tos.pk}/",
    }


@router.get("/municipalities", response={200: list[MunicipalityOut]}, summary="Муниципальные образования")
def municipalities(request):
    return list(selectors.municipality_list())


@router.get("/tos", response={200: TosPage, 422: ErrorOut}, summary="Реестр ТОС (с фильтрами, постранично)")
def tos_list(request, filters: Query[TosFilters]):
    qs = selectors.tos_list(
        municipality=filters.municipality, status=filters.status, direction=filters.direction, q=filters.q
    )
    count = qs.count()
    pages = max(1, -(-count // filters.page_size))
    start = (filters.page - 1) * filters.page_size
    # Plain dicts straight from the database: no model instances, and they validate faster than objects.
    items = selectors.list_rows(qs, start, start + filters.page_size)
    return {"count": count, "page": filters.page, "pages": pages, "page_size": filters.page_size, "items": items}


@router.get(
    "/tos/geojson",
    response={200: FeatureCollection, 400: ErrorOut, 422: ErrorOut},
    summary="ТОС в прямоугольнике карты (GeoJSON)",
)
def tos_geojson(
    request,
    bbox: str = Query(..., max_length=200, description="minLon,minLat,maxLon,maxLat"),
    zoom: int | None = Query(None, ge=0, le=22),
):
    # Already JSON text: the stored geometry goes out without being parsed and re-encoded.
    return HttpResponse(
        selectors.tos_features_geojson(selectors.parse_bbox(bbox), zoom=zoom), content_type="application/json"
    )


@router.get(
    "/tos/locate",
    response={200: list[TosListItem], 400: ErrorOut, 422: ErrorOut},
    summary="ТОС, в границах которого лежит точка",
)
def tos_locate(request, lat: float = Query(..., ge=-90, le=90), lon: float = Query(..., ge=-180, le=180)):
    return [_list_item(t) for t in selectors.tos_locate(lat=lat, lon=lon)]


@router.get("/tos/{tos_id}", response={200: TosDetail, 404: ErrorOut, 422: ErrorOut}, summary="Карточка ТОС")
def tos_get(request, tos_id: int):
    if tos_id < 1 or tos_id > 2**62:
        return Status(404, {"detail": "Не найдено.", "errors": []})
    try:
        return selectors.tos_detail(tos_id)
    except Tos.DoesNotExist:
        return Status(404, {"detail": "ТОС не найден.", "errors": []})


@router.post(
    "/tos",
    auth=TokenAuth(),
    response={201: TosDetail, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Добавить ТОС (служащий МО, администратор)",
)
def tos_post(request, payload: TosIn):
    data = payload.dict()
    confirm = data.pop("confirm_overlap")
    tos = tos_create(actor=request.auth, data=data, confirm_overlap=confirm)
    return Status(201, selectors.tos_detail(tos.pk))


@router.patch(
    "/tos/{tos_id}",
    auth=TokenAuth(),
    response={200: TosDetail, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Изменить ТОС",
)
def tos_patch(request, tos_id: int, payload: TosPatch):
    tos = Tos.objects.filter(pk=tos_id).select_related("municipality").first() if 0 < tos_id < 2**62 else None
    if tos is None:
        return Status(404, {"detail": "ТОС не найден.", "errors": []})
    data = payload.dict(exclude_unset=True)
    confirm = data.pop("confirm_overlap", False)
    tos_update(actor=request.auth, tos=tos, data=data, confirm_overlap=confirm)
    return Status(200, selectors.tos_detail(tos.pk))
