import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sosedi.accounts.models import ApiToken, Role
from sosedi.accounts.tests.factories import UserFactory, grant
from sosedi.api.tokens import api_token_create, api_token_revoke
from sosedi.territories.models import Tos
from sosedi.territories.tests.factories import TosFactory, municipality, square

pytestmark = pytest.mark.django_db


def bearer(user):
    _, raw = api_token_create(actor=user, name="тест")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_list_filters_and_pagination(client):
    TosFactory.create_batch(3)
    TosFactory(name="ТОС «Ромашка»", municipality=municipality("Энгельсский муниципальный район"))
    body = client.get("/api/v1/tos", {"page_size": 2}).json()
    assert body["count"] == 4 and body["pages"] == 2 and len(body["items"]) == 2
    found = client.get("/api/v1/tos", {"q": "РОМАШКА"}).json()
    assert [i["name"] for i in found["items"]] == ["ТОС «Ромашка»"]
    assert found["items"][0]["municipality"] == "Энгельсский муниципальный район"


def test_errors_name_the_field(client):
    body = client.get("/api/v1/tos/geojson", {"bbox": "1,2,3"}).json()
    assert body["errors"][0]["field"] == "bbox"
    response = client.get("/api/v1/tos/locate", {"lat": 200, "lon": 46})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "lat"
    response = client.get("/api/v1/tos", {"page_size": 1000})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "page_size"
    assert client.get("/api/v1/tos/999999").json()["detail"] == "ТОС не найден."


def test_geojson_and_locate(client):
    tos = TosFactory(boundary=square(46.0, 51.5, 0.01))
    fc = client.get("/api/v1/tos/geojson", {"bbox": "45.9,51.4,46.1,51.6", "zoom": 14}).json()
    assert fc["type"] == "FeatureCollection" and fc["features"][0]["id"] == tos.pk
    located = client.get("/api/v1/tos/locate", {"lat": 51.505, "lon": 46.005}).json()
    assert [t["id"] for t in located] == [tos.pk]


def test_writes_need_a_valid_token(client):
    payload = {"name": "ТОС «Новый»", "municipality": municipality().pk, "territory_type": "house_group"}
    post = lambda **h: client.post("/api/v1/tos", json.dumps(payload), content_type="application/json", **h)  # noqa: E731
    assert post().status_code == 401
    assert post(HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401
    resident = UserFactory()
    assert post(**bearer(resident)).status_code == 403
    official = UserFactory()
    grant(official, Role.MUNICIPAL_OFFICIAL, municipality=municipality())
    headers = bearer(official)
    response = post(**headers)
    assert response.status_code == 201, response.content
    tos_id = response.json()["id"]
    patch = client.patch(
        f"/api/v1/tos/{tos_id}",
        json.dumps({"status": "registered"}),
        content_type="application/json",
        **headers,
    )
    assert patch.status_code == 422
    assert {e["field"] for e in patch.json()["errors"]} == {"charter_reg_number", "charter_reg_date"}
    assert Tos.objects.get(pk=tos_id).status == "initiative"


def test_revoked_token_and_anonymised_user_refused(client):
    user = UserFactory()
    token, raw = api_token_create(actor=user, name="бот")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token_revoke(actor=user, token=token)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert ApiToken.objects.get(pk=token.pk).key_hash != raw  # only the hash is stored


def test_me_by_session_and_token(client):
    assert client.get("/api/v1/me").status_code == 401
    user = UserFactory(first_name="Анна")
    tos = TosFactory()
    grant(user, Role.SECRETARY, tos=tos)
    client.force_login(user)
    body = client.get("/api/v1/me").json()
    assert body["first_name"] == "Анна" and body["roles"][0]["role"] == "secretary"


def test_list_query_count_is_flat(client):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get("/api/v1/tos", {"page_size": 200})
        return len(ctx.captured_queries)

    TosFactory.create_batch(10)
    small = count()
    TosFactory.create_batch(190)
    assert count() == small


def test_token_pages(client):
    user = UserFactory()
    assert client.get("/api/tokens/").status_code == 302
    client.force_login(user)
    response = client.post("/api/tokens/", {"name": ""})
    assert response.status_code == 422 and "Назовите токен" in response.content.decode()
    response = client.post("/api/tokens/", {"name": "Телеграм-бот"})
    raw = response.context["raw_key"]
    assert raw.startswith("sos_") and raw in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert client.get("/api/tokens/").content.decode().count(raw) == 0
    client.post(f"/api/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    other = UserFactory()
    foreign, _ = api_token_create(actor=other, name="чужой")
    assert client.post(f"/api/tokens/{foreign.pk}/revoke/").status_code == 404


def test_docs_are_served_locally(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/" in page and "cdn" not in page.lower()
