"""Knowledge endpoints of API v1: published materials and search. They call the same selectors as the pages;
only published copies are served (drafts stay on the editors' pages)."""

import json
from datetime import date
from typing import Literal

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from pydantic import ValidationError as PydanticValidationError

from sosedi.api.errors import ErrorOut
from sosedi.core import pagecache

from . import selectors
from .models import Material, MaterialKind
from .search import ask, corrected_as_typed, result_cache_key, search_materials
from .text import MAX_QUERY_CHARS

router = Router(tags=["База знаний"])

KindCode = Literal[tuple(MaterialKind.values)]  # type: ignore[valid-type]
AudienceCode = Literal["resident", "activist", "official"]


class AttachmentOut(Schema):
    name: str
    url: str
    size: int


class MaterialItem(Schema):
    slug: str
    title: str
    kind: str
    summary: str
    legal_refs: str
    scope: str
    checked_on: date | None
    outdated: bool
    published_at: str | None
    url: str


class MaterialPage(Schema):
    count: int
    page: int
    pages: int
    page_size: int
    items: list[MaterialItem]


class MaterialFilters(Schema):
    kind: KindCode | None = None
    audience: AudienceCode | None = None
    direction: str | None = Field(None, max_length=32)
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class SearchHit(Schema):
    title: str
    kind: str
    snippet: str = Field(..., description="Фрагмент текста, HTML: найденные слова в <mark>, остальное экранировано")
    url: str
    score: float
    legal_refs: str


class FacetOut(Schema):
    value: str
    label: str
    count: int | None = Field(..., description="Сколько найдено; null, когда найдено больше 300 (total_capped)")


class SearchOut(Schema):
    query: str
    total: int
    total_capped: bool = Field(..., description="Найдено больше, чем total (300): показывается «более 300»")
    corrected: str
    partial: bool
    hits: list[SearchHit]
    facets: dict[str, list[FacetOut]]


class SearchFilters(Schema):
    q: str = Field(..., max_length=10_000, description=f"Запрос; учитываются первые {MAX_QUERY_CHARS} знаков")
    kind: KindCode | None = None
    audience: AudienceCode | None = None
    direction: str | None = Field(None, max_length=32)
    page: int = Field(1, ge=1, le=1000)
    page_size: int = Field(20, ge=1, le=50)


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _item(request, m: Material) -> dict:
    version = m.published_version
    return {
        "slug": m.slug,
        "title": version.title,
        "kind": m.kind,
        "summary": version.summary,
        "legal_refs": m.legal_refs,
        "scope": m.scope,
        "checked_on": m.checked_on,
        "outdated": m.is_outdated,
        "published_at": m.published_at.isoformat() if m.published_at else None,
        "url": _absolute(request, m.get_absolute_url()),
    }


@router.get("/knowledge/materials", response={200: MaterialPage, 422: ErrorOut}, summary="Опубликованные материалы")
def materials(request, filters: Query[MaterialFilters]):
    qs = selectors.materials_public(
        kind=filters.kind or "", audience=filters.audience or "", direction=filters.direction or ""
    )
    count = qs.count()
    pages = max(1, -(-count // filters.page_size))
    start = (filters.page - 1) * filters.page_size
    items = [_item(request, m) for m in qs[start : start + filters.page_size]]
    return {"count": count, "page": filters.page, "pages": pages, "page_size": filters.page_size, "items": items}


@router.get(
    "/knowledge/search",
    response={200: SearchOut, 422: ErrorOut},
    summary="Поиск по базе знаний (с учётом словоформ)",
)
def search(request, filters: Query[SearchFilters]):
    # The answer is cached as JSON for the question's words in any order (search.Question), under the knowledge
    # content version that every publication bumps and the host the URLs are built for, in this process and in
    # the shared cache: a hit costs no search, no model rows, no validation and, mostly, no round trip. Only
    # what echoes the typing (the query, a correction in the reader's word order) is added per request.
    question = ask(filters.q)
    key = _search_key(request, question, filters)
    # SearchAnswerMiddleware has looked this key up already (in the process and in Redis) when it marked the
    # request: a second look would only cost another round trip to Redis on every miss.
    looked_up = getattr(request, "search_cache_looked_up", None) == key
    if key and not looked_up and (hit := pagecache.read_through(key)) is not None:
        return _search_response(question, hit[0], "hit")
    result = search_materials(
        question,
        kind=filters.kind or "",
        audience=filters.audience or "",
        direction=filters.direction or "",
        limit=filters.page_size,
        offset=(filters.page - 1) * filters.page_size,
        use_cache=False,
    )
    # One reverse() for the page rather than one per hit (slugs need no quoting): 2 ms of a 20-hit response.
    material_url = _absolute(request, reverse("knowledge:material", args=["slug"])).removesuffix("slug/")
    answer = {
        "total": result.total,
        "total_capped": result.total_capped,
        "partial": result.partial,
        "hits": [
            {
                "title": hit.material.title,
                "kind": hit.material.kind,
                "snippet": str(hit.snippet),
                "url": f"{material_url}{hit.material.slug}/",
                "score": hit.score,
                "legal_refs": hit.material.legal_refs,
            }
            for hit in result.hits
        ],
        "facets": {
            "kind": [{"value": v, "label": lbl, "count": n} for v, lbl, n in result.facets.kinds],
            "audience": [{"value": v, "label": lbl, "count": n} for v, lbl, n in result.facets.audiences],
            "direction": [{"value": v, "label": lbl, "count": n} for v, lbl, n in result.facets.directions],
        },
    }
    # Built from plain values in the shape of SearchOut (the schema documents it; tests validate it), so it
    # is serialised directly: validating 20 hits and their facets again cost ~1.5 ms of a miss.
    content = _dumps(result.corrections) + b"\0" + _dumps(answer)
    response = _search_response(question, content, "miss")
    if key:
        pagecache.store_after_sent(response, key, content, "application/json", settings.KNOWLEDGE_SEARCH_CACHE_SECONDS)
    return response


def _search_key(request, question, filters: SearchFilters) -> str:
    """The answer's cache key (the view and SearchAnswerMiddleware build it alike), or "" with no cache."""
    asked = (filters.kind, filters.audience, filters.direction, filters.page, filters.page_size)
    return result_cache_key("api", request.get_host(), question.terms, *asked)


def cached_search_answer(request) -> HttpResponse | None:
    """A cached answer to a search request, read with the API's own schema (SearchFilters, as ninja reads the
    query string), else None and the request goes on to the API. Nothing the API would refuse can be answered
    from the cache, and the key is built from the same validated values the API stores under."""
    if not getattr(settings, "KNOWLEDGE_SEARCH_CACHE_SECONDS", 0):
        return None
    params = request.GET
    if any(len(params.getlist(name)) != 1 for name in params):
        return None  # a repeated parameter: left to the API's own reading
    try:
        filters = SearchFilters.model_validate({name: params[name] for name in params})
    except PydanticValidationError:
        return None  # the API answers 422 with the field named
    question = ask(filters.q)
    key = _search_key(request, question, filters)
    hit = pagecache.read_through(key)
    if hit is None:
        request.search_cache_looked_up = key
        return None
    return _search_response(question, hit[0], "hit")


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _search_response(question, content: bytes, cache_state: str) -> HttpResponse:
    """The cached part (the question's corrections, NUL, the answer without the echoes; JSON never holds a raw
    NUL) with this request's query and correction put in front."""
    corrections, answer = content.split(b"\0", 1)
    corrected = corrected_as_typed(question, json.loads(corrections)) if corrections != b"{}" else ""
    body = b'{"query":%s,"corrected":%s,%s' % (_dumps(question.query), _dumps(corrected), answer[1:])
    # X-Search-Cache: the benchmark counts hits to report their share.
    return HttpResponse(body, content_type="application/json", headers={"X-Search-Cache": cache_state})
