"""Best-practice endpoint of API v1: the accepted practices only, filtered like the catalogue page."""

from datetime import datetime
from decimal import Decimal

from django.core.paginator import Paginator
from ninja import Field, Query, Router, Schema

from sosedi.api.errors import ErrorOut

from . import selectors

router = Router(tags=["Лучшие практики"])


class Ref(Schema):
    id: int
    name: str


class PracticeItem(Schema):
    id: int
    title: str
    summary: str
    direction: str = Field(description="код направления")
    municipality: Ref
    tos: Ref | None
    project_id: int | None
    cost: Decimal | None
    accepted_at: datetime | None
    url: str


class PracticePage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[PracticeItem]


class PracticeFilters(Schema):
    direction: str | None = Field(None, max_length=32, description="код направления")
    municipality: int | None = Field(None, ge=1, le=2**62)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=200)


@router.get("/practices", response={200: PracticePage, 422: ErrorOut}, summary="Лучшие практики ТОС (каталог)")
def practice_list(request, filters: Query[PracticeFilters]):
    qs = selectors.catalogue(direction=filters.direction or "", municipality=str(filters.municipality or ""))
    paginator = Paginator(qs, filters.page_size)
    page = paginator.get_page(filters.page)
    return {
        "count": paginator.count,
        "page": page.number,
        "pages": paginator.num_pages,
        "page_size": filters.page_size,
        "items": [
            {
                "id": p.pk,
                "title": p.title,
                "summary": p.summary,
                "direction": p.direction.code,
                "municipality": {"id": p.municipality_id, "name": p.municipality.name},
                "tos": {"id": p.tos_id, "name": p.tos.name} if p.tos_id else None,
                "project_id": p.project_id,
                "cost": p.cost,
                "accepted_at": p.decided_at,
                "url": request.build_absolute_uri(p.get_absolute_url()),
            }
            for p in page
        ],
    }
