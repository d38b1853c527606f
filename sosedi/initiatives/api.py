"""Initiative project endpoints of API v1, over the same selectors and services as the pages: the deadlines are
those frozen by the services at submission and publication, the support counts those on the project page."""

import json
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from sosedi.api.auth import TOKEN_OR_SESSION
from sosedi.api.errors import ErrorOut
from sosedi.core.pagecache import REGISTRY, content_version, serve_public

from . import selectors, services
from .models import InitiativeProject, ProjectStatus, RejectionGround
from .signals import INITIATIVES_SCOPE

router = Router(tags=["Инициативные проекты"])
NOT_FOUND = {"detail": "Проект не найден.", "errors": []}
StatusName = Literal[tuple(ProjectStatus.values)]  # type: ignore[valid-type]


class Ref(Schema):
    id: int
    name: str


class DirectionRef(Schema):
    code: str
    name: str


class GroundOut(Schema):
    number: int = Field(description="пункт ч. 7 ст. 26.1 131-ФЗ (1–6)")
    text: str


class DecisionOut(Schema):
    kind: Literal["support", "reject"]
    decided_at: datetime
    text: str
    budget_line: str = Field(description="строка бюджета — при поддержке")
    ground: GroundOut | None = Field(None, description="основание отказа — при отказе")
    rework_offer: str = Field(description="предложение о доработке (обязательно при основании 5, ч. 8)")


class SupportOut(Schema):
    signatures_online: int
    signatures_paper: int
    signatures: int = Field(description="всего подписей; один человек учитывается один раз")
    meeting: bool = Field(description="приложено решение собрания (конференции) или его протокол")
    survey_yes: int = Field(description="опрос жителей: ответили «поддерживаю» (0 — опрос не приложен)")
    survey_answered: int = Field(description="опрос жителей: ответили на вопрос о поддержке")


class InitiativeListItem(Schema):
    id: int
    title: str
    status: StatusName
    municipality: Ref
    tos: Ref | None
    direction: DirectionRef
    initiator_kind: Literal["group", "tos_body", "village_head", "other"]
    cost_estimate: Decimal
    budget_amount: Decimal
    submitted_at: datetime | None
    publication_deadline: date | None = Field(description="опубликовать до (рабочие дни, ч. 5 ст. 26.1)")
    remarks_until: date | None = Field(description="замечания принимаются по (включительно)")
    review_deadline: date | None = Field(description="решение до (ч. 6 ст. 26.1)")
    decision: DecisionOut | None
    support: SupportOut
    url: str


class InitiativeOut(InitiativeListItem):
    problem: str
    justification: str
    expected_result: str
    cost_breakdown: str
    timeline: str
    participation: str
    territory_description: str
    territory_geojson: dict | None
    other_info: str
    lat: float | None
    lon: float | None
    published_at: datetime | None
    publication_late: bool
    review_late: bool
    deadline_basis: dict[str, str] = Field(description="правовые основания сроков")
    remarks_count: int


class InitiativePage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[InitiativeListItem]


class InitiativeFilters(Schema):
    status: StatusName | None = None
    municipality: int | None = Field(None, ge=1, le=2**62)
    tos: int | None = Field(None, ge=1, le=2**62)
    direction: str | None = Field(None, max_length=32, description="код направления")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


class SignatureOut(Schema):
    id: int
    source: str
    signatures: int


def _decision(project: InitiativeProject) -> dict | None:
    if not project.decision:
        return None
    ground = None
    if project.rejection_ground:
        ground = {"number": project.rejection_ground, "text": str(RejectionGround(project.rejection_ground).label)}
    return {
        "kind": project.decision,
        "decided_at": project.decided_at,
        "text": project.decision_text,
        "budget_line": project.budget_line,
        "ground": ground,
        "rework_offer": project.rework_offer,
    }


def _list_item(project: InitiativeProject) -> dict:
    online, paper = project.signatures_online, project.signatures_paper
    return {
        "id": project.pk,
        "title": project.title,
        "status": project.status,
        "municipality": {"id": project.municipality_id, "name": project.municipality.name},
        "tos": {"id": project.tos_id, "name": project.tos.name} if project.tos_id else None,
        "direction": {"code": project.direction.code, "name": project.direction.name},
        "initiator_kind": project.initiator_kind,
        "cost_estimate": project.cost_estimate,
        "budget_amount": project.budget_amount,
        "submitted_at": project.submitted_at,
        "publication_deadline": project.publication_deadline,
        "remarks_until": project.remarks_until,
        "review_deadline": project.review_deadline,
        "decision": _decision(project),
        "support": {
            "signatures_online": online,
            "signatures_paper": paper,
            "signatures": online + paper,
            "meeting": bool(project.meeting_item_id or project.protocol_file),
            "survey_yes": project.survey_support[0],
            "survey_answered": project.survey_support[1],
        },
        "url": f"/initiatives/{project.pk}/",
    }


@router.get("/initiatives", response={200: InitiativePage, 422: ErrorOut}, summary="Инициативные проекты")
def initiative_list(request, filters: Query[InitiativeFilters]):
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" in request.META:
        return _list_body(request, filters)
    # Anonymous readers share one answer per query until an idea, project or signature changes (the versions the
    # list pages' cache uses): validated and encoded once, sent as stored.
    versions = ".".join(str(content_version(scope)) for scope in (REGISTRY, INITIATIVES_SCOPE))
    key = f"initiatives-api:{versions}:{request.get_full_path()}"
    body = cache.get(key)
    if body is None:
        page = InitiativePage.model_validate(_list_body(request, filters))
        body = page.model_dump_json()
        cache.set(key, body, 600)
    return HttpResponse(body, content_type="application/json")


def _list_body(request, filters: InitiativeFilters) -> dict:
    from sosedi.territories.models import Direction, Municipality, Tos

    empty = {"count": 0, "page": filters.page, "pages": 1, "page_size": filters.page_size, "items": []}
    scope = {}
    for name, model, value, key in (
        ("municipality", Municipality, filters.municipality, "pk"),
        ("tos", Tos, filters.tos, "pk"),
        ("direction", Direction, filters.direction, "code"),
    ):
        if value is not None:
            scope[name] = model.objects.filter(**{key: value}).first()
            if scope[name] is None:
                return empty
    qs = selectors.project_list(user=request.user, status=filters.status or "", **scope)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    # Ids of the page by the ordering index, then only those rows with their support counts.
    ids = list(qs.values_list("pk", flat=True)[start : start + filters.page_size])
    items = [_list_item(p) for p in selectors.projects_by_ids(ids)]
    pages = max(1, -(-count // filters.page_size))
    return {"count": count, "page": filters.page, "pages": pages, "page_size": filters.page_size, "items": items}


class MapItem(Schema):
    kind: Literal["idea", "project"]
    lat: float
    lon: float
    count: int | None = Field(None, description="число точек в группе (при clusters=true)")
    id: int | None = None
    title: str | None = None
    status: str | None = Field(None, description="статус проекта словами")
    url: str | None = Field(None, description="страница идеи или проекта (у группы из одной точки — тоже)")


class MapOut(Schema):
    clusters: bool = Field(
        description="true — группы точек (масштаб мельче 14 или больше 100 точек одного вида в тайле, 300 — в bbox), "
        "false — точки"
    )
    items: list[MapItem]


# What a map answer shows: ideas and projects, and the registry's municipalities, ТОС and directions it filters by.
MAP_SCOPES = (REGISTRY, INITIATIVES_SCOPE)


@router.get(
    "/initiatives/map",
    response={200: MapOut, 400: ErrorOut, 422: ErrorOut},
    summary="Идеи и проекты в тайле карты (или в прямоугольнике): точки или группы",
    url_name="initiative_map",
)
def initiative_map(
    request,
    tile: str | None = Query(
        None,
        max_length=40,
        description="тайл z/x/y сетки веб-Меркатора, как у подложки OpenStreetMap; точка — ровно в одном тайле",
    ),
    bbox: str | None = Query(
        None, max_length=200, description="вместо tile: minLon,minLat,maxLon,maxLat (ответ не кешируется)"
    ),
    zoom: int | None = Query(None, ge=0, le=22, description="масштаб — вместе с bbox"),
    municipality: int | None = Query(None, ge=1, le=2**62),
    tos: int | None = Query(None, ge=1, le=2**62),
    direction: int | None = Query(None, ge=1, le=2**62, description="id направления, как в фильтре страниц"),
):
    from sosedi.territories.selectors import BadQuery, parse_bbox, parse_tile

    if tile is not None and bbox is not None:
        raise BadQuery("tile", "Укажите либо tile, либо bbox с zoom — не оба сразу.")
    if tile is not None:
        z, x, y = parse_tile(tile)

        def features(scope):
            return selectors.map_tile(z, x, y, **scope)

        # A tile is the same request for every visitor looking there: the whole answer goes through the public
        # page cache, under the versions of what it shows (ideas and projects; the registry's filter objects).
        return serve_public(request, lambda r: _map_answer(features, municipality, tos, direction), MAP_SCOPES)
    if bbox is None:
        raise BadQuery("tile", "Укажите тайл карты tile=z/x/y (или bbox и zoom).")
    if zoom is None:
        raise BadQuery("zoom", "Вместе с bbox укажите масштаб zoom (0–22).")
    box = parse_bbox(bbox)
    # An arbitrary rectangle rarely repeats: not cached whole (its groups are, snapped to their grid).
    return _map_answer(lambda scope: selectors.map_features(box, zoom=zoom, **scope), municipality, tos, direction)


def _map_answer(features, municipality, tos, direction) -> HttpResponse:
    from sosedi.territories.models import Direction, Municipality, Tos

    scope = {}
    for name, model, value in (
        ("municipality", Municipality, municipality),
        ("tos", Tos, tos),
        ("direction", Direction, direction),
    ):
        if value is not None:
            scope[name] = model.objects.filter(pk=value).first()
            if scope[name] is None:
                return HttpResponse('{"clusters": false, "items": []}', content_type="application/json")
    # Already plain dicts and lists: sent as JSON without building a schema object per point.
    return HttpResponse(json.dumps(features(scope), ensure_ascii=False), content_type="application/json")


@router.get(
    "/initiatives/{initiative_id}",
    response={200: InitiativeOut, 404: ErrorOut, 422: ErrorOut},
    summary="Инициативный проект: девять частей, сроки, решение, поддержка",
)
def initiative_get(request, initiative_id: int):
    if not 0 < initiative_id < 2**62:
        return Status(404, NOT_FOUND)
    project = selectors.project_detail(initiative_id, user=request.user)
    if project is None:
        return Status(404, NOT_FOUND)
    selectors.with_survey_support([project])
    today = timezone.localdate()
    under_review = project.status in (ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED)
    return {
        **_list_item(project),
        **{
            name: getattr(project, name)
            for name in (
                "problem",
                "justification",
                "expected_result",
                "cost_breakdown",
                "timeline",
                "participation",
                "territory_description",
                "territory_geojson",
                "other_info",
                "lat",
                "lon",
                "published_at",
                "deadline_basis",
            )
        },
        "publication_late": project.status == ProjectStatus.SUBMITTED and today > project.publication_deadline,
        "review_late": under_review and today > project.review_deadline,
        "remarks_count": project.remarks.count(),
    }


@router.post(
    "/initiatives/{initiative_id}/signatures",
    auth=TOKEN_OR_SESSION,
    response={201: SignatureOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Подписать проект онлайн (жители нужного возраста, если НПА разрешает сбор подписей)",
)
def signature_post(request, initiative_id: int):
    project = selectors.project_for_action(initiative_id) if 0 < initiative_id < 2**62 else None
    if project is None or not request.auth.has_perm("initiatives.view_project", project):
        return Status(404, NOT_FOUND)
    signature = services.signature_sign(actor=request.auth, project=project)
    return Status(201, {"id": signature.pk, "source": signature.source, "signatures": project.signatures.count()})
