import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from sosedi.knowledge import services
from sosedi.knowledge.api import SearchOut

from .factories import draft, editor, published, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    author, checker = editor(), reviewer()
    quorum = published(author, checker, title="Кворум собрания", body="<p>Треть <b>жителей</b> 16+.</p>")
    template = published(author, checker, title="Протокол собрания", body="<p>Шаблон.</p>", kind="template")
    hidden = draft(author, title="Черновик про кворум", body="<p>Кворум.</p>")
    return quorum, template, hidden


def test_materials_lists_published_copies_with_filters(client, library):
    quorum, template, _hidden = library
    body = client.get("/api/v1/knowledge/materials").json()
    assert body["count"] == 2 and {i["slug"] for i in body["items"]} == {quorum.slug, template.slug}
    item = next(i for i in body["items"] if i["slug"] == quorum.slug)
    assert item["url"] == f"http://testserver/knowledge/m/{quorum.slug}/" and item["kind"] == "article"
    assert item["outdated"] is False and item["checked_on"]
    only = client.get("/api/v1/knowledge/materials", {"kind": "template"}).json()
    assert [i["slug"] for i in only["items"]] == [template.slug]


def test_search_returns_title_kind_snippet_url_and_score(client, library):
    quorum, _template, _hidden = library
    body = client.get("/api/v1/knowledge/search", {"q": "кворумы жителей"}).json()
    assert body["total"] == 1 and not body["partial"]
    hit = body["hits"][0]
    assert hit["title"] == "Кворум собрания" and hit["kind"] == "article"
    assert hit["url"].endswith(f"/knowledge/m/{quorum.slug}/") and hit["score"] > 0
    assert "<mark>жителей</mark>" in hit["snippet"] and "<b>" not in hit["snippet"]
    assert body["facets"]["kind"] == [{"value": "article", "label": "статья", "count": 1}]


def test_bad_parameters_name_the_field(client):
    missing = client.get("/api/v1/knowledge/search")
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "q"
    too_long = client.get("/api/v1/knowledge/search", {"q": "к" * 10_001})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "q"
    bad_kind = client.get("/api/v1/knowledge/materials", {"kind": "novel"})
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"
    assert client.get("/api/v1/knowledge/search", {"q": "к" * 10_000}).status_code == 200


def test_drafts_and_outdated_marks_in_the_api(client, library):
    quorum, _template, _hidden = library
    services.material_mark_outdated(actor=reviewer(), material=quorum, reason="33-ФЗ")
    items = client.get("/api/v1/knowledge/search", {"q": "кворум"}).json()["hits"]
    assert [h["title"] for h in items] == ["Кворум собрания"]  # the draft about quorum is not served
    listed = client.get("/api/v1/knowledge/materials").json()["items"]
    assert next(i for i in listed if i["slug"] == quorum.slug)["outdated"] is True


@pytest.fixture
def wsgi_connection():
    """Requests sent straight to the WSGI app must not close the test transaction's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_responses_match_the_openapi_schema(library, wsgi_connection):
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    calls = [
        ("/api/v1/knowledge/materials", {"kind": "article", "page_size": 5}),
        ("/api/v1/knowledge/search", {"q": "кворум собрания", "audience": "activist"}),
        ("/api/v1/knowledge/search", {"q": "' OR 1=1 --"}),
    ]
    for path, query in calls:
        case = schema[path]["GET"].Case(query=query)
        response = case.call_and_validate(checks=checks)
        assert response.status_code == 200, path


def test_search_over_the_cap_says_more_and_leaves_facet_counts_out(client, library, monkeypatch, settings):
    from sosedi.knowledge import search

    monkeypatch.setattr(search, "COUNT_CAP", 1)
    body = client.get("/api/v1/knowledge/search", {"q": "собрание"}).json()
    assert body["total"] == 1 and body["total_capped"] is True and len(body["hits"]) == 2
    assert {f["count"] for f in body["facets"]["kind"]} == {None}
    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    first = client.get("/api/v1/knowledge/search", {"q": "кворум"})
    again = client.get("/api/v1/knowledge/search", {"q": "кворум"})
    assert first["X-Search-Cache"] == "miss" and again["X-Search-Cache"] == "hit"
    assert again.json() == first.json()


def test_the_same_words_in_another_order_are_one_cached_answer(client, library, settings):
    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    first = client.get("/api/v1/knowledge/search", {"q": "кварум пратокол"})
    again = client.get("/api/v1/knowledge/search", {"q": "Пратокол  кварум"})
    assert first["X-Search-Cache"] == "miss" and again["X-Search-Cache"] == "hit"
    a, b = first.json(), again.json()
    assert a["query"] == "кварум пратокол" and b["query"] == "Пратокол  кварум"
    assert a["corrected"] == "кворум протокол" and b["corrected"] == "протокол кворум"
    assert b["hits"] == a["hits"] and {h["title"] for h in a["hits"]} == {"Кворум собрания", "Протокол собрания"}
    assert SearchOut.model_validate(b).total == a["total"]  # the cached answer keeps the documented shape


def test_a_cached_answer_is_served_from_this_process_until_a_publication(client, library, settings):
    from django.core.cache import cache

    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    settings.PAGE_CACHE_LOCAL_BYTES = 1 << 20
    settings.PAGE_CACHE_VERSION_TTL = 0
    client.get("/api/v1/knowledge/search", {"q": "кворум"})
    cache.clear()  # the shared cache lost it: this process's copy answers
    assert client.get("/api/v1/knowledge/search", {"q": "кворум"})["X-Search-Cache"] == "hit"
    published(editor(), reviewer(), title="Кворум конференции", body="<p>Делегаты.</p>")
    fresh = client.get("/api/v1/knowledge/search", {"q": "кворум"})
    assert fresh["X-Search-Cache"] == "miss" and "Кворум конференции" in [h["title"] for h in fresh.json()["hits"]]


def test_a_repeated_search_is_answered_before_the_api_and_only_when_the_api_would_accept_it(
    client, library, settings, monkeypatch, django_assert_num_queries
):
    from django.contrib.messages.middleware import MessageMiddleware

    from sosedi.knowledge import api

    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    settings.PAGE_CACHE_VERSION_TTL = 60  # the content version is then known to the process, as in production
    first = client.get("/api/v1/knowledge/search", {"q": "кворум", "kind": "article", "page_size": "5"})
    assert first["X-Search-Cache"] == "miss"

    def no_search(*args, **kwargs):
        raise AssertionError("the API searched")

    monkeypatch.setattr(api, "search_materials", no_search)
    # Answered before the rest of the middleware (and so before URL resolution and the API's validation).
    monkeypatch.setattr(MessageMiddleware, "process_request", no_search)
    with django_assert_num_queries(0):
        again = client.get("/api/v1/knowledge/search", {"q": "Кворум", "page_size": "5", "kind": "article"})
    assert again["X-Search-Cache"] == "hit" and again.json()["hits"] == first.json()["hits"]
    assert again.json()["query"] == "Кворум"
    monkeypatch.undo()
    # Parameters the API would refuse are refused, even where the words have a cached answer.
    for refused in ({"page_size": "0"}, {"page_size": "51"}, {"kind": "novel"}, {"q": "кворум " + "к" * 10_000}):
        response = client.get(
            "/api/v1/knowledge/search", {"q": "кворум", "kind": "article", "page_size": "5"} | refused
        )
        assert response.status_code == 422, refused
    # Written otherwise («05», an unknown parameter): read as the API reads it, the same cached answer.
    for other in ({"page_size": "05"}, {"utm": "x"}):
        response = client.get("/api/v1/knowledge/search", {"q": "кворум", "kind": "article", "page_size": "5"} | other)
        assert response.status_code == 200 and response["X-Search-Cache"] == "hit", other


def test_a_miss_looks_the_answer_up_once(client, library, settings, monkeypatch):
    """The middleware's look-up (this process, then Redis) is not repeated by the API on a miss; where the
    middleware leaves a request to the API (a repeated parameter), the API looks for itself."""
    from sosedi.core import pagecache

    settings.KNOWLEDGE_SEARCH_CACHE_SECONDS = 60
    looked_up, read_through = [], pagecache.read_through

    def counting(key):
        looked_up.append(key)
        return read_through(key)

    monkeypatch.setattr(pagecache, "read_through", counting)
    assert client.get("/api/v1/knowledge/search", {"q": "кворум"})["X-Search-Cache"] == "miss"
    assert len(looked_up) == 1
    assert client.get("/api/v1/knowledge/search", {"q": "кворум"})["X-Search-Cache"] == "hit"
    assert len(looked_up) == 2
    looked_up.clear()
    response = client.get("/api/v1/knowledge/search?q=протокол&q=шаблон")
    assert response.status_code == 200 and response["X-Search-Cache"] == "miss" and len(looked_up) == 1
