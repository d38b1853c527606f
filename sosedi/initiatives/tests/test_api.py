"""GET /api/v1/initiatives and /api/v1/initiatives/{id}: status, deadlines, decision with its ground, support
counts by method — the same values the pages show; POST …/signatures signs through the same service."""

import pytest
import schemathesis
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import config.urls  # noqa: F401  (the API builds its schemas on import; not under a frozen clock)
from sosedi.api.tokens import api_token_create
from sosedi.initiatives import services

from .factories import allow_signatures, resident, signed_by, tos_project, tos_with_chair
from .test_review import _decide, official, published

pytestmark = pytest.mark.django_db


def _bearer(user) -> dict:
    _token, raw = api_token_create(actor=user, name="тест")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_detail_has_deadlines_decision_with_ground_and_support(client):
    project, clerk, _chair, _signers = published("2026-11-23 10:00", "2026-11-24 10:00")
    _decide(project, clerk, decision="reject", ground=5, budget_line="", rework_offer="Доработаем вместе.")
    body = client.get(f"/api/v1/initiatives/{project.pk}").json()
    assert body["status"] == "rejected"
    assert body["submitted_at"].startswith("2026-11-23")
    assert (body["publication_deadline"], body["remarks_until"], body["review_deadline"]) == (
        "2026-11-26",
        "2026-12-01",
        "2026-12-23",
    )
    assert body["decision"]["kind"] == "reject" and body["decision"]["ground"]["number"] == 5
    assert body["decision"]["rework_offer"] == "Доработаем вместе."
    assert body["support"] == {
        "signatures_online": 3,
        "signatures_paper": 0,
        "signatures": 3,
        "meeting": False,
        "survey_yes": 0,
        "survey_answered": 0,
    }
    assert body["problem"] and body["deadline_basis"]["review"] == "ч. 6 ст. 26.1 131-ФЗ"


def test_list_filters_and_hides_drafts(client):
    allow_signatures(min_signatures=1)
    tos, chair = tos_with_chair()
    draft = tos_project(tos, chair, title="Черновик")
    live = tos_project(tos, chair, title="Сбор подписей")
    services.project_open_support(actor=chair, project=live)
    body = client.get(f"/api/v1/initiatives?tos={tos.pk}").json()
    assert [i["id"] for i in body["items"]] == [live.pk] and body["count"] == 1
    assert client.get(f"/api/v1/initiatives/{draft.pk}").status_code == 404
    assert client.get("/api/v1/initiatives?status=collecting").json()["count"] == 1
    assert client.get("/api/v1/initiatives?status=supported").json()["count"] == 0
    assert client.get("/api/v1/initiatives?tos=999999").json()["count"] == 0
    bad = client.get("/api/v1/initiatives?status=nonsense")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"


def test_sign_with_a_token_once(client):
    allow_signatures(min_signatures=1)
    tos, chair = tos_with_chair()
    project = tos_project(tos, chair)
    services.project_open_support(actor=chair, project=project)
    person = resident()
    url = f"/api/v1/initiatives/{project.pk}/signatures"
    assert client.post(url).status_code == 401
    response = client.post(url, **_bearer(person))
    assert response.status_code == 201 and response.json()["signatures"] == 1
    again = client.post(url, **_bearer(person))
    assert again.status_code == 422 and "один раз" in again.json()["errors"][0]["message"]
    minor = resident(birth_date=None)
    assert client.post(url, **_bearer(minor)).status_code == 422


def test_list_queries_do_not_grow(client):
    allow_signatures(min_signatures=1)
    tos, chair = tos_with_chair()
    counts = []
    for n in (2, 12):
        while tos.initiative_projects.count() < n:
            project = tos_project(tos, chair, title=f"Проект {tos.initiative_projects.count()}")
            services.project_open_support(actor=chair, project=project)
            signed_by(project, 1)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/initiatives?tos={tos.pk}").json()["count"] == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


@pytest.fixture
def wsgi_connection():
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_real_responses_match_the_published_schema(wsgi_connection):
    from config.wsgi import application

    project, clerk, _chair, _ = published("2026-11-23 10:00", "2026-11-24 10:00")
    with freeze_time("2026-12-02 10:00"):
        _decide(project, clerk)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    for path, params, query in [
        ("/api/v1/initiatives", {}, {"municipality": project.municipality_id}),
        ("/api/v1/initiatives/{initiative_id}", {"initiative_id": project.pk}, None),
    ]:
        case = schema[path]["GET"].Case(path_parameters=params, query=query)
        response = case.call_and_validate(checks=checks)
        assert response.status_code == 200, path


def test_project_list_page_and_review_screen_queries_do_not_grow(client):
    allow_signatures(min_signatures=1)
    tos, chair = tos_with_chair()
    clerk = official()
    client.force_login(clerk)
    for url in ("/initiatives/", "/initiatives/review/"):
        client.get(url)  # the law panel is read once per process, as a running server has done already
    counts = []
    for n in (2, 12):
        while tos.initiative_projects.count() < n:
            project = tos_project(tos, chair, title=f"Проект {tos.initiative_projects.count()}")
            services.project_open_support(actor=chair, project=project)
            signed_by(project, 1)
            services.project_submit(actor=chair, project=project)
        sizes = []
        for url in ("/initiatives/", "/initiatives/review/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            sizes.append(len(ctx.captured_queries))
        counts.append(sizes)
    assert counts[0] == counts[1]


def test_detail_gives_the_checked_territory(client):
    chair_tos, chair = tos_with_chair()
    # Pasted as a GeoJSON Feature in text; the API returns the stored, checked GeoJSON object.
    ring = "[[46.0, 51.5], [46.01, 51.5], [46.01, 51.51], [46.0, 51.5]]"
    text = '{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [' + ring + "]}}"
    project = tos_project(tos=chair_tos, chair=chair, territory_geojson=text)
    services.project_open_support(actor=chair, project=project)
    body = client.get(f"/api/v1/initiatives/{project.pk}").json()
    assert body["territory_geojson"] == {
        "type": "Polygon",
        "coordinates": [[[46.0, 51.5], [46.01, 51.5], [46.01, 51.51], [46.0, 51.5]]],
    }
