"""Reads of the initiatives capability: querysets with their relations loaded, so a list page costs the same
number of queries whatever the number of rows."""

import math
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import Avg, Count, Exists, F, IntegerField, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, Floor
from django.utils import timezone
from shapely.geometry import shape

from sosedi.accounts.models import Role, RoleAssignment
from sosedi.territories.models import Municipality

from .models import (
    Idea,
    IdeaStatus,
    IdeaSupport,
    InitiativeProject,
    ProjectStatus,
    Signature,
    SignatureSource,
)

PAGE_SIZE = 50
# Deeper than 10,000 rows a page is an offset walk of the index; filters find things better than paging.
MAX_PAGE = 200


@dataclass
class Page:
    """A page of a list without a count of everything: the ids of one row more than a page tell whether there is
    a next page, so a page costs an index walk to its offset, never a scan of the whole filtered set."""

    object_list: list
    number: int
    has_next: bool

    @classmethod
    def of(cls, qs: QuerySet, number, load, size: int | None = None) -> "Page":
        size = size or PAGE_SIZE
        number = int(number) if str(number or "").isdigit() else 1
        number = min(max(number, 1), MAX_PAGE)
        start = (number - 1) * size
        ids = list(qs.values_list("pk", flat=True)[start : start + size + 1])
        return cls(load(ids[:size]), number, len(ids) > size)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _filters(qs: QuerySet, *, direction=None, municipality=None, tos=None) -> QuerySet:
    if direction is not None:
        qs = qs.filter(direction=direction)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    if tos is not None:
        qs = qs.filter(tos=tos)
    return qs


def idea_list(*, direction=None, municipality=None, tos=None, status: str = "") -> QuerySet[Idea]:
    """The ideas in list order, unannotated: a page walks the ordering index for its ids (`idea_page`)."""
    qs = _filters(Idea.objects.all(), direction=direction, municipality=municipality, tos=tos)
    if status in IdeaStatus.values:
        qs = qs.filter(status=status)
    else:
        qs = qs.exclude(status=IdeaStatus.ARCHIVED)
    return qs.order_by("-created_at", "-id")


def idea_cards(ids: list[int], *, user=None) -> list[dict]:
    """What a card of the idea list shows, as plain rows in the order of `ids`: one query, no model instances
    (building them and resolving their attributes in the template was most of a page's cost)."""
    qs = Idea.objects.filter(pk__in=ids).annotate(support_count=Count("supports"))
    columns = ["pk", "title", "status", "created_at", "support_count", "tos_id"]
    if user is not None and user.is_authenticated:
        qs = qs.annotate(supported=Exists(IdeaSupport.objects.filter(idea=OuterRef("pk"), user=user)))
        columns.append("supported")
    labels = {value: str(label) for value, label in IdeaStatus.choices}
    rows = {
        row["pk"]: {**row, "status_label": labels[row["status"]], "url": f"/initiatives/ideas/{row['pk']}/"}
        for row in qs.values(
            *columns,
            direction_name=F("direction__name"),
            municipality_name=F("municipality__name"),
            tos_name=F("tos__name"),
        )
    }
    return [rows[i] for i in ids if i in rows]


def idea_page(number, *, user=None, **filters) -> "Page":
    return Page.of(idea_list(**filters), number, lambda ids: idea_cards(ids, user=user))


def idea_detail(pk: int, *, user=None) -> Idea | None:
    qs = (
        Idea.objects.select_related("author", "municipality", "tos", "direction")
        .prefetch_related("photos", "projects")
        .annotate(support_count=Count("supports", distinct=True))
    )
    if user is not None and user.is_authenticated:
        qs = qs.annotate(supported=Exists(IdeaSupport.objects.filter(idea=OuterRef("pk"), user=user)))
    return qs.filter(pk=pk).first()


def idea_comments(idea: Idea) -> QuerySet:
    return idea.comments.select_related("author")


def _visible_projects(user) -> QuerySet[InitiativeProject]:
    qs = InitiativeProject.objects.all()
    if user is None or not user.is_authenticated:
        return qs.public()
    if (
        user.is_superuser
        or RoleAssignment.objects.filter(user=user, role=Role.ADMINISTRATOR, revoked_at__isnull=True).exists()
    ):
        return qs
    # Drafts are the initiators' working copies: their own, their group's, their ТОС's.
    from sosedi.accounts.models import Scope

    led_tos = RoleAssignment.objects.filter(
        user=user, scope=Scope.TOS, role__in=[Role.CHAIR, Role.SECRETARY], revoked_at__isnull=True
    ).values("tos")
    mine = (
        Q(created_by=user)
        | Q(group_members__user=user, group_members__confirmed_at__isnull=False)
        | Q(initiator_kind="tos_body", tos__in=led_tos)
    )
    return qs.filter(~Q(status=ProjectStatus.DRAFT) | mine).distinct()


def _with_support(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        signatures_online=Count("signatures", filter=Q(signatures__source=SignatureSource.ONLINE), distinct=True),
        signatures_paper=Count("signatures", filter=Q(signatures__source=SignatureSource.PAPER), distinct=True),
    )


def project_list(*, user=None, direction=None, municipality=None, tos=None, status: str = "") -> QuerySet:
    """The projects the user may see in list order, unannotated: pages and the API take their ids from it and
    load only those rows with their support counts (`projects_by_ids`)."""
    qs = _filters(_visible_projects(user), direction=direction, municipality=municipality, tos=tos)
    if status in ProjectStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


# What an API list item shows (api._list_item): the nine parts' long texts and the ТОС's boundary stay unread.
API_LIST_FIELDS = (
    *("id", "title", "status", "initiator_kind", "cost_estimate", "budget_amount", "submitted_at"),
    *("publication_deadline", "remarks_until", "review_deadline", "decision", "decided_at", "decision_text"),
    *("budget_line", "rejection_ground", "rework_offer", "meeting_item_id", "protocol_file", "support_option_id"),
    *("municipality__name", "tos__name", "direction__code", "direction__name"),
)


def projects_by_ids(ids: list[int]) -> list[InitiativeProject]:
    """The rows of an API list page with their support counts, in the order of `ids`. The counts come from one
    grouped query over the page's signatures: counting them in the same query as the rows would group every
    selected column."""
    qs = (
        InitiativeProject.objects.filter(pk__in=ids)
        .select_related("municipality", "tos", "direction")
        .only(*API_LIST_FIELDS)
    )
    by_id = {project.pk: project for project in qs}
    counts = Signature.objects.filter(project_id__in=ids).values_list("project_id", "source").annotate(n=Count("id"))
    for project in by_id.values():
        project.signatures_online = project.signatures_paper = 0
    for project_id, source, n in counts.order_by():
        setattr(by_id[project_id], f"signatures_{source}", n)
    with_survey_support(by_id.values())
    return [by_id[i] for i in ids if i in by_id]


def with_survey_support(projects) -> None:
    """Sets `survey_support` = («yes» answers, people who answered) of each project's linked survey, in two
    grouped queries for all of them."""
    from . import support_survey

    projects = list(projects)
    counts = support_survey.counts_for([p.support_option_id for p in projects if p.support_option_id])
    for project in projects:
        project.survey_support = counts.get(project.support_option_id, (0, 0))


def project_cards(ids: list[int]) -> list[dict]:
    """What a card of the project list shows, as plain rows in the order of `ids` (see `idea_cards`)."""
    labels = {value: str(label) for value, label in ProjectStatus.choices}
    under_review = {ProjectStatus.SUBMITTED, ProjectStatus.PUBLISHED}
    # The signatures counted per row by a subquery on their project index: a Count over the join grouped by every
    # selected column took PostgreSQL 2.5 ms to plan and the ORM longer to build (6.2 → 4.7 ms for 50 cards).
    signatures = (
        Signature.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = {}
    for row in InitiativeProject.objects.filter(pk__in=ids).values(
        "pk",
        "title",
        "status",
        "cost_estimate",
        "review_deadline",
        "tos_id",
        direction_name=F("direction__name"),
        municipality_name=F("municipality__name"),
        tos_name=F("tos__name"),
        signature_count=Coalesce(Subquery(signatures, output_field=IntegerField()), 0),
    ):
        row["status_label"] = labels[row["status"]]
        row["url"] = f"/initiatives/{row['pk']}/"
        row["cost"] = f"{row['cost_estimate']:,.0f}".replace(",", "\u00a0")
        row["decision_due"] = row["review_deadline"] if row["status"] in under_review else None
        rows[row["pk"]] = row
    return [rows[i] for i in ids if i in rows]


def project_page(number, *, user=None, **filters) -> "Page":
    return Page.of(project_list(user=user, **filters), number, project_cards)


def filter_municipalities() -> QuerySet[Municipality]:
    """Municipalities that have ideas or projects, for the filter: one indexed probe per municipality (a join
    of both tables would multiply their rows)."""
    return Municipality.objects.filter(
        Exists(Idea.objects.filter(municipality=OuterRef("pk")))
        | Exists(InitiativeProject.objects.filter(municipality=OuterRef("pk")))
    ).order_by("name")


# The filter's municipalities, kept by this process while the registry and the ideas and projects stay as they
# were: (their content versions, the list). Every list and map page shows the filter, and a page-cache miss
# should not pay the probe of both tables for each municipality (~2 ms of a ~10 ms page at 100,000 rows).
_filter_memo: dict[tuple[int, int], list[Municipality]] = {}


def filter_choices() -> list[Municipality]:
    """`filter_municipalities` as a list, read once per content version: a new idea or project bumps the
    initiatives version, a renamed municipality the registry's, so the list is never stale. The rows are shared
    between requests: read them, do not change them."""
    from sosedi.core.pagecache import REGISTRY, content_version

    from .signals import INITIATIVES_SCOPE

    versions = (content_version(REGISTRY), content_version(INITIATIVES_SCOPE))
    found = _filter_memo.get(versions)
    if found is None:
        found = list(filter_municipalities())
        _filter_memo.clear()
        _filter_memo[versions] = found
    return found


def project_detail(pk: int, *, user=None) -> InitiativeProject | None:
    qs = _visible_projects(user).select_related(
        "municipality__parent",
        "tos",
        "direction",
        "idea",
        "created_by",
        "decided_by",
        "meeting_item__meeting",
        "support_option__question__section__survey",
    )
    return _with_support(qs).filter(pk=pk).first()


@dataclass(frozen=True)
class Territory:
    """What the project page draws for part 8, and the words it says without a map."""

    kind: str  # "area" — drawn for the project; "tos" — the boundary of its ТОС
    geojson: dict
    corners: int
    centre: tuple[float, float]  # (lat, lon)


def project_territory(project: InitiativeProject) -> Territory | None:
    if project.territory_geojson:
        kind, geojson = "area", project.territory_geojson
    elif project.tos_id and (project.tos.boundary_simplified or project.tos.boundary):
        kind, geojson = "tos", project.tos.boundary_simplified or project.tos.boundary
    else:
        return None
    geom = shape(geojson)
    polygons = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    inside = geom.representative_point()
    return Territory(
        kind=kind,
        geojson=geojson,
        corners=sum(len(p.exterior.coords) - 1 for p in polygons),
        centre=(round(inside.y, 5), round(inside.x, 5)),
    )


def project_for_action(pk: int) -> InitiativeProject | None:
    """A fresh row for a write: permission is checked by the service, never by visibility here."""
    return InitiativeProject.objects.select_related("municipality__parent", "tos", "created_by").filter(pk=pk).first()


def group_members(project: InitiativeProject) -> QuerySet:
    return project.group_members.select_related("user").order_by("id")


def signatures(project: InitiativeProject) -> QuerySet[Signature]:
    return project.signatures.select_related("entered_by").order_by("id")


def remarks(project: InitiativeProject) -> QuerySet:
    return project.remarks.select_related("author")


@dataclass(frozen=True)
class ReviewRow:
    project: InitiativeProject
    due: date | None
    what: str
    late: bool


def review_queue(user, *, today: date | None = None) -> list[ReviewRow]:
    """The official's screen: projects under review in their municipalities, with what is due next and whether
    it is late (publication within N working days, a decision within N days of submission)."""
    today = today or timezone.localdate()
    qs = InitiativeProject.objects.under_review().select_related("municipality", "tos", "direction")
    if not (
        user.is_superuser
        or RoleAssignment.objects.filter(user=user, role=Role.ADMINISTRATOR, revoked_at__isnull=True).exists()
    ):
        municipalities = RoleAssignment.objects.filter(
            user=user, role=Role.MUNICIPAL_OFFICIAL, revoked_at__isnull=True
        ).values("municipality")
        qs = qs.filter(Q(municipality__in=municipalities) | Q(municipality__parent__in=municipalities))
    rows = []
    for project in qs.order_by("review_deadline", "id"):
        if project.status == ProjectStatus.SUBMITTED:
            rows.append(
                ReviewRow(project, project.publication_deadline, "publish", today > project.publication_deadline)
            )
        else:
            rows.append(ReviewRow(project, project.review_deadline, "decide", today > project.review_deadline))
    rows.sort(key=lambda r: (not r.late, r.due or today))
    return rows


def map_points(*, direction=None, municipality=None, tos=None, user=None, limit: int = 100) -> list[dict]:
    """The newest ideas and public projects with a point: the list under the map, which is also what a visitor
    without JavaScript sees (the map itself asks `map_features` for what is in view)."""
    points = [
        {"kind": "idea", "id": pk, "title": title, "lat": lat, "lon": lon, "url": f"/initiatives/ideas/{pk}/"}
        for pk, title, lat, lon in _map_ideas(direction, municipality, tos)
        .order_by("-created_at", "-id")
        .values_list("pk", "title", "lat", "lon")[:limit]
    ]
    status_labels = {value: str(label) for value, label in ProjectStatus.choices}
    points += [
        {
            "kind": "project",
            "id": pk,
            "title": title,
            "status": str(status_labels[status]),
            "lat": lat,
            "lon": lon,
            "url": f"/initiatives/{pk}/",
        }
        for pk, title, status, lat, lon in _map_projects(direction, municipality, tos)
        .order_by("-created_at", "-id")
        .values_list("pk", "title", "status", "lat", "lon")[:limit]
    ]
    return points


def _map_ideas(direction, municipality, tos) -> QuerySet[Idea]:
    qs = Idea.objects.exclude(status=IdeaStatus.ARCHIVED).filter(lat__isnull=False)
    return _filters(qs, direction=direction, municipality=municipality, tos=tos)


def _map_projects(direction, municipality, tos) -> QuerySet[InitiativeProject]:
    qs = InitiativeProject.objects.public().filter(lat__isnull=False)
    return _filters(qs, direction=direction, municipality=municipality, tos=tos)


# Below this zoom the map shows clusters: a grid of cells a quarter of a 256-px tile wide (64 px), each with its
# count and the mean of its points, so a view of a region costs one grouped query, not 100,000 markers.
CLUSTER_BELOW_ZOOM = 14
# Zoomed in, more points of one kind than this are grouped all the same (a dense quarter): in a view of the
# bbox answer, and in one 256-px tile of the tile answer (a sixteenth of a large screen; a hundred 16-px markers
# already cover a tile).
MAP_POINT_LIMIT = 300
MAP_TILE_POINT_LIMIT = 100
CLUSTER_CACHE_SECONDS = 60


def _cell(zoom: int) -> float:
    return 360 / 2**zoom / 4


def map_features(bbox, *, zoom: int, direction=None, municipality=None, tos=None) -> dict:
    """What the map shows in `bbox` (minLon, minLat, maxLon, maxLat) at `zoom`: points of ideas and public
    projects when zoomed in (from zoom CLUSTER_BELOW_ZOOM, and while at most MAP_POINT_LIMIT of each kind are in
    view), groups of them otherwise. Group answers are cached for a minute under the bbox snapped outward to the
    grid, so visitors looking at the same area share one grouped query; a new idea appears in the groups within
    that minute (counts on a region map need not be exact to the second). The map page asks for tiles instead
    (`map_tile`); this form stays for API clients."""
    scope = (direction, municipality, tos)
    if zoom >= CLUSTER_BELOW_ZOOM:
        points = _points_unless_crowded(lambda qs: _in_bbox(qs, bbox), scope, MAP_POINT_LIMIT)
        if points is not None:
            return {"clusters": False, "items": points}
    cell = _cell(zoom)
    min_lon, min_lat, max_lon, max_lat = bbox
    snapped = (
        math.floor(min_lon / cell) * cell,
        math.floor(min_lat / cell) * cell,
        math.ceil(max_lon / cell) * cell,
        math.ceil(max_lat / cell) * cell,
    )
    key = "initiatives-clusters:" + ":".join(
        str(v) for v in (zoom, *(round(c / cell) for c in snapped), *(getattr(o, "pk", "") for o in scope))
    )
    answer = cache.get(key)
    if answer is None:
        grid = (0.0, 0.0, cell, cell)
        answer = {"clusters": True, "items": _map_clusters(lambda qs: _in_bbox(qs, snapped), grid, scope)}
        cache.set(key, answer, CLUSTER_CACHE_SECONDS)
    return answer


def map_tile(z: int, x: int, y: int, *, direction=None, municipality=None, tos=None) -> dict:
    """What the map shows in one tile z/x/y of the slippy-map grid: points from zoom CLUSTER_BELOW_ZOOM while at
    most MAP_TILE_POINT_LIMIT of each kind lie in the tile, otherwise groups of a 4 × 4 grid of the tile (64-px
    cells). A point belongs to exactly one tile — its west and south edges in, east and north out — so a map that
    merges the tiles of its view shows it once. Tiles repeat across visitors, so the API caches whole answers;
    groups are also kept a minute here, as for bbox, so that a signature (which moves no group, yet bumps the
    answers' version) does not make a region be regrouped."""
    from sosedi.territories.selectors import tile_bbox

    west, south, east, north = tile_bbox(z, x, y)
    # The grid's own east and north edges (180° and 85°) belong to the tiles that have them.
    lon_to = "lon__lte" if x == 2**z - 1 else "lon__lt"
    lat_to = "lat__lte" if y == 0 else "lat__lt"

    def in_tile(qs: QuerySet) -> QuerySet:
        return qs.filter(lat__gte=south, lon__gte=west, **{lat_to: north, lon_to: east})

    scope = (direction, municipality, tos)
    if z >= CLUSTER_BELOW_ZOOM:
        points = _points_unless_crowded(in_tile, scope, MAP_TILE_POINT_LIMIT)
        if points is not None:
            return {"clusters": False, "items": points}
    key = "initiatives-tile-clusters:" + ":".join(str(v) for v in (z, x, y, *(getattr(o, "pk", "") for o in scope)))
    answer = cache.get(key)
    if answer is None:
        grid = (west, south, (east - west) / 4, (north - south) / 4)
        answer = {"clusters": True, "items": _map_clusters(in_tile, grid, scope)}
        cache.set(key, answer, CLUSTER_CACHE_SECONDS)
    return answer


def _in_bbox(qs: QuerySet, bbox) -> QuerySet:
    min_lon, min_lat, max_lon, max_lat = bbox
    return qs.filter(lat__gte=min_lat, lat__lte=max_lat, lon__gte=min_lon, lon__lte=max_lon)


def _map_clusters(within, grid, scope) -> list[dict]:
    """Groups of the points `within(qs)` keeps, by the cells of `grid` (west, south, cell width, cell height in
    degrees): one grouped query per kind."""
    west, south, width, height = grid
    items = []
    for kind, qs in (("idea", _map_ideas(*scope)), ("project", _map_projects(*scope))):
        rows = (
            within(qs)
            .annotate(gx=Floor((F("lon") - west) / width), gy=Floor((F("lat") - south) / height))
            .values("gx", "gy")
            .annotate(n=Count("id"), mlat=Avg("lat"), mlon=Avg("lon"), one=Min("id"))
            .order_by()
        )
        for row in rows:
            item = {"kind": kind, "count": row["n"], "lat": round(row["mlat"], 6), "lon": round(row["mlon"], 6)}
            if row["n"] == 1:  # a lone point links straight to its page
                item["url"] = f"/initiatives/ideas/{row['one']}/" if kind == "idea" else f"/initiatives/{row['one']}/"
            items.append(item)
    return items


def _points_unless_crowded(within, scope, limit: int) -> list[dict] | None:
    """The points `within(qs)` keeps, or None when more than `limit` of a kind are there (then the caller groups
    them). One query per kind reads the points themselves, at most limit + 1 rows: no separate probe first."""
    # No order: the models' default (newest first) would walk the date index across the whole table.
    ideas = list(within(_map_ideas(*scope)).order_by().values_list("pk", "title", "lat", "lon")[: limit + 1])
    if len(ideas) > limit:
        return None
    projects = list(
        within(_map_projects(*scope)).order_by().values_list("pk", "title", "status", "lat", "lon")[: limit + 1]
    )
    if len(projects) > limit:
        return None
    labels = {value: str(label) for value, label in ProjectStatus.choices}  # translated once, not per point
    return [
        {"kind": "idea", "id": pk, "title": title, "lat": lat, "lon": lon, "url": f"/initiatives/ideas/{pk}/"}
        for pk, title, lat, lon in ideas
    ] + [
        {
            "kind": "project",
            "id": pk,
            "title": title,
            "status": labels[status],
            "lat": lat,
            "lon": lon,
            "url": f"/initiatives/{pk}/",
        }
        for pk, title, status, lat, lon in projects
    ]
